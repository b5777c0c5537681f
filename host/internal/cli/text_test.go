package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// dnwMiniLM runs dnw with text.minilm in play; it skips when the model files are not
// installed (make deps), and fails then under DNW_REQUIRE_MINILM, as make test sets.
func dnwMiniLM(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	code, out, errOut := dnw(t, args...)
	if code != ExitOK && strings.Contains(errOut, "the model files") && strings.Contains(errOut, "were not found") {
		if os.Getenv("DNW_REQUIRE_MINILM") != "" {
			t.Fatalf("DNW_REQUIRE_MINILM is set: %s", errOut)
		}
		t.Skipf("text.minilm's model files are not installed (make deps): %s", errOut)
	}
	return code, out, errOut
}

// The documented commands: the table, and the JSON a script reads.
func TestTextSimilarity(t *testing.T) {
	code, out, errOut := dnwMiniLM(t, "text", "similarity", "sepia photograph", "old brown-toned photo", "pixel art")
	if code != ExitOK || !strings.Contains(out, "1.000") || !strings.Contains(out, "text.minilm") ||
		!strings.Contains(out, `3  "pixel art"`) {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = dnwMiniLM(t, "text", "similarity", "--json", "sepia photograph", "old brown-toned photo", "pixel art")
	var got struct{ Similarity [][]float64 }
	if err := json.Unmarshal([]byte(out), &got); code != ExitOK || err != nil || len(got.Similarity) != 3 {
		t.Fatalf("exit %d, %v\n%s%s", code, err, out, errOut)
	}
	// A pretrained encoder knows the paraphrase is nearer than another style.
	if s := got.Similarity[0]; !(s[1] > s[2]) || s[0] < 0.999 {
		t.Errorf("sepia photograph: %.3f to old brown-toned photo, %.3f to pixel art, %.3f to itself", s[1], s[2], s[0])
	}

	code, out, errOut = dnw(t, "text", "similarity", "--encoder", "text.hashgram", "--options", `{"dim": 4096}`, "--json",
		"sepia photograph", "old sepia photo", "")
	if err := json.Unmarshal([]byte(out), &got); code != ExitOK || err != nil {
		t.Fatalf("exit %d, %v\n%s%s", code, err, out, errOut)
	}
	if s := got.Similarity; !(s[0][1] > 0.2) || s[2][2] != 0 || s[0][2] != 0 {
		t.Errorf("text.hashgram at 4096 buckets: %v (a zero embedding is 0 to everything)", s)
	}
}

func TestTextParaphrases(t *testing.T) {
	nearest := map[string]int{}
	for _, enc := range []string{"text.hashgram", "text.minilm"} {
		code, out, errOut := dnwMiniLM(t, "text", "paraphrases", "../../../experiments/weightgen-check.toml",
			"--set", "weightgen.text_encoder="+enc, "--json")
		var got struct{ All paraphraseScore }
		if err := json.Unmarshal([]byte(out), &got); code != ExitOK || err != nil || got.All.Concepts != 56 || got.All.Prompts != 168 {
			t.Fatalf("%s: exit %d, %v\n%s%s", enc, code, err, out, errOut)
		}
		nearest[enc] = got.All.PromptsNearest
	}
	// The paraphrases of a training concept share few words: text.hashgram finds few.
	if !(nearest["text.minilm"] > nearest["text.hashgram"]+10) {
		t.Errorf("prompts nearest their own concept: %v", nearest)
	}
	code, out, errOut := dnw(t, "text", "paraphrases", "../../../experiments/weightgen-check.toml")
	if code != ExitOK || !strings.Contains(out, "every prompt nearest") || !strings.Contains(out, "held-out (8)") {
		t.Errorf("the documented command: exit %d\n%s%s", code, out, errOut)
	}
}

func TestTextRejects(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"text"}, "expected 'similarity PROMPT...'"},
		{[]string{"text", "similarity"}, "expected at least one prompt"},
		{[]string{"text", "similar", "x"}, `unknown subcommand "similar"`},
		{[]string{"text", "similarity", "--encoder", "text.nope", "x"}, "not registered: text.nope"},
		{[]string{"text", "similarity", "--encoder", "schedule.cosine", "x"}, "not a text encoder"},
		{[]string{"text", "similarity", "--options", "[1]", "x"}, "--options: not a JSON object"},
		{[]string{"text", "paraphrases", "nope.toml"}, "nope.toml"},
	} {
		code, _, errOut := dnw(t, tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("dnw %s: exit %d, want 2 and %q:\n%s", strings.Join(tc.args, " "), code, tc.want, errOut)
		}
	}
}
