package concepts

import (
	"slices"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := map[string][]string{
		"Old brown-toned photo":           {"old", "brown", "toned", "photo"},
		"sepia photograph, 8-bit pixels.": {"sepia", "photograph", ",", "8", "bit", "pixels"},
		"  a ,, b ;":                      {"a", ",", "b"},
		", -":                             nil,
	}
	for in, want := range tests {
		if got := tokens(in); !slices.Equal(got, want) {
			t.Errorf("tokens(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContainsPhrase(t *testing.T) {
	tests := []struct {
		text, phrase string
		want         bool
	}{
		{"strong pixel art with sepia", "pixel art", true},
		{"Pixel-Art", "pixel art", true},
		{"pixel, art", "pixel art", false}, // not across a clause break
		{"pixelated art", "pixel art", false},
		{"pixel", "pixel art", false},
		{"anything", "", false},
	}
	for _, tt := range tests {
		if got := containsPhrase(tokens(tt.text), tokens(tt.phrase)); got != tt.want {
			t.Errorf("containsPhrase(%q, %q) = %v, want %v", tt.text, tt.phrase, got, tt.want)
		}
	}
}
