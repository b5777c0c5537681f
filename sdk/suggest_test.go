package sdk

import (
	"fmt"
	"testing"
)

func ExampleSuggest() {
	keys := []string{"chunk_size", "chunker", "schedule", "timesteps"}
	fmt.Println(Suggest("chunck_size", keys))
	fmt.Println(Suggest("shcedule", keys))
	fmt.Println(Suggest("time", keys))
	fmt.Printf("%q\n", Suggest("banana", keys))
	// Output:
	// chunk_size
	// schedule
	// timesteps
	// ""
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3},
		{"chunk", "chnuk", 1}, {"rank", "rnak", 1}, {"seed", "seed", 0}, {"é", "e", 1},
	} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
