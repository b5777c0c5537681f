package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"dnw/host/internal/concepts"
	"dnw/host/internal/imaging"
	"dnw/host/internal/pluginhost"
	"dnw/sdk"
)

var textCmd = &command{
	name:    "text",
	args:    "similarity [--encoder ID] PROMPT... | paraphrases [FILE | RUN_DIR] [--set KEY=VALUE]...",
	summary: "look at a text encoder: how near prompts are, whether paraphrases find their concept",
	help: `The weight generator reads a concept's prompt through a text-encoder plugin
(weightgen.text_encoder): text.hashgram hashes words and character n-grams,
text.minilm is the pretrained sentence encoder all-MiniLM-L6-v2.

  dnw text similarity PROMPT...   the cosine similarity of every two prompts'
                                  embeddings, as a table (--json: {"similarity": rows})
  dnw text paraphrases [FILE | RUN_DIR]
                                  on the experiment's concept catalogue (a run's
                                  stages/concepts/catalogue.json, or the procedural
                                  catalogue its data section and seed build), how many
                                  prompts are nearer, on average, the other prompts of
                                  their own concept than those of any other concept;
                                  with the experiment's text encoder and its options
                                  (change them with --set)

A zero embedding (text.hashgram's for a prompt without letters or digits) has
similarity 0 to everything.

Examples:
  dnw text similarity "sepia photograph" "old brown-toned photo" "pixel art"
  dnw text similarity --encoder text.hashgram --json "sepia photograph" "old sepia photo"
  dnw text paraphrases experiments/weightgen-check.toml --set weightgen.text_encoder=text.minilm`,
	run: runText,
}

func runText(ctx context.Context, a *app, args []string) error {
	flags := a.flagSet()
	encoder := flags.String("encoder", "text.minilm", "similarity: the text-encoder plugin")
	options := flags.String("options", "", `similarity: the encoder's options as a JSON object, e.g. '{"dim": 4096}'`)
	asJSON := flags.Bool("json", false, "print JSON instead of a table")
	var sets setFlags
	flags.Var(&sets, "set", "paraphrases: override a key of the experiment (repeatable)")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("expected 'similarity PROMPT...' or 'paraphrases [FILE | RUN_DIR]'")
	}
	switch sub := pos[0]; sub {
	case "similarity":
		if len(pos) < 2 {
			return usagef("similarity: expected at least one prompt")
		}
		opts, err := parseEncoderOptions(*options)
		if err != nil {
			return err
		}
		return a.similarity(ctx, *encoder, opts, pos[1:], *asJSON)
	case "paraphrases":
		return a.paraphrases(ctx, pos[1:], sets, *asJSON)
	default:
		return usagef("unknown subcommand %q: expected similarity or paraphrases", sub)
	}
}

// parseEncoderOptions reads --options: a JSON object whose integral numbers become int64
// (an int option's type) and other numbers float64.
func parseEncoderOptions(s string) (sdk.Options, error) {
	if s == "" {
		return nil, nil
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var raw map[string]any
	if err := d.Decode(&raw); err != nil {
		return nil, usagef("--options: not a JSON object: %v", err)
	}
	var conv func(v any) any
	conv = func(v any) any {
		switch v := v.(type) {
		case json.Number:
			if i, err := v.Int64(); err == nil {
				return i
			}
			f, _ := v.Float64()
			return f
		case []any:
			for i := range v {
				v[i] = conv(v[i])
			}
		}
		return v
	}
	opts := sdk.Options{}
	for k, v := range raw {
		opts[k] = conv(v)
	}
	return opts, nil
}

// embed embeds prompts with the text-encoder plugin id, started as a run starts it.
func embed(ctx context.Context, id string, opts sdk.Options, prompts []string) (sdk.Embeddings, string, error) {
	m, err := pluginhost.NewManager(nil)
	if err != nil {
		return sdk.Embeddings{}, "", err
	}
	defer m.Close()
	c, err := m.Get(ctx, id)
	if err != nil {
		return sdk.Embeddings{}, "", usagef("%v", err)
	}
	enc, ok := c.Plugin.(sdk.TextEncoder)
	if !ok {
		return sdk.Embeddings{}, "", usagef("plugin %s is a %s plugin, not a text encoder", id, c.Kind)
	}
	e, err := enc.Encode(ctx, prompts, opts)
	if err != nil {
		return sdk.Embeddings{}, "", err // it names the plugin
	}
	if e.Dim < 1 || len(e.Data) != len(prompts)*e.Dim {
		return sdk.Embeddings{}, "", fmt.Errorf("%s: %d values of dim %d for %d prompts", id, len(e.Data), e.Dim, len(prompts))
	}
	return e, id + " " + c.Version, nil
}

// cosines is the matrix of cosine similarities of the rows of e; a zero row has
// similarity 0 to every row, itself included.
func cosines(e sdk.Embeddings) [][]float64 {
	n := len(e.Data) / e.Dim
	norms := make([]float64, n)
	for i := range n {
		norms[i] = math.Sqrt(dot(e, i, i))
	}
	out := make([][]float64, n)
	for i := range n {
		out[i] = make([]float64, n)
		for j := range n {
			if norms[i] > 0 && norms[j] > 0 {
				out[i][j] = max(-1, min(1, dot(e, i, j)/(norms[i]*norms[j]))) // rounding can pass ±1
			}
		}
	}
	return out
}

func dot(e sdk.Embeddings, i, j int) float64 {
	var s float64
	a, b := e.Data[i*e.Dim:(i+1)*e.Dim], e.Data[j*e.Dim:(j+1)*e.Dim]
	for k := range a {
		s += float64(a[k]) * float64(b[k])
	}
	return s
}

func (a *app) similarity(ctx context.Context, encoder string, opts sdk.Options, prompts []string, asJSON bool) error {
	e, who, err := embed(ctx, encoder, opts, prompts)
	if err != nil {
		return err
	}
	sim := cosines(e)
	if asJSON {
		return a.printJSON(map[string]any{"encoder": encoder, "prompts": prompts, "similarity": sim})
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for j := range prompts {
		fmt.Fprintf(tw, "%d\t", j+1)
	}
	fmt.Fprintln(tw, "\t")
	for i, row := range sim {
		fmt.Fprintf(tw, "%d\t", i+1)
		for _, s := range row {
			fmt.Fprintf(tw, "%.3f\t", s)
		}
		fmt.Fprintf(tw, "\t%s\n", "") // the prompt goes after the aligned columns
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\ncosine similarity of the embeddings by %s:\n", who)
	for i, p := range prompts {
		fmt.Fprintf(a.stdout, "%3d  %q\n", i+1, p)
	}
	return nil
}

func (a *app) printJSON(v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := a.stdout.Write(b.Bytes())
	return err
}

// paraphraseScore is how many prompts of a set of concepts are nearer their own
// concept's other prompts than any other concept's prompts (mean cosine similarity),
// and how many concepts have every prompt so.
type paraphraseScore struct {
	Concepts        int `json:"concepts"`
	ConceptsNearest int `json:"concepts_every_prompt_nearest"`
	Prompts         int `json:"prompts"`
	PromptsNearest  int `json:"prompts_nearest"`
}

func (a *app) paraphrases(ctx context.Context, args []string, sets []string, asJSON bool) error {
	src, err := sourceOf(args)
	if err != nil {
		return err
	}
	r, err := src.load(sets)
	if err != nil {
		return err
	}
	cat, from, err := catalogueOf(src, r.Config.Data.Source, r.Config.Data.TrainConcepts, r.Config.Data.HeldoutConcepts,
		r.Config.Data.Paraphrases, r.Config.Experiment.Seed)
	if err != nil {
		return err
	}
	w := r.Config.Weightgen
	opts, _ := w.Options[w.TextEncoder].(map[string]any)
	var prompts []string
	var owner []int // concept index of each prompt
	for k, c := range cat.Concepts {
		for _, p := range c.Prompts {
			prompts = append(prompts, p)
			owner = append(owner, k)
		}
	}
	e, who, err := embed(ctx, w.TextEncoder, opts, prompts)
	if err != nil {
		return err
	}
	sim := cosines(e)
	scores := map[string]*paraphraseScore{concepts.SplitTrain: {}, concepts.SplitHeldout: {}}
	for k, c := range cat.Concepts {
		s := scores[c.Split]
		s.Concepts++
		every := true
		for i := range prompts {
			if owner[i] != k {
				continue
			}
			s.Prompts++
			if nearestConcept(sim[i], owner, i, len(cat.Concepts)) == k {
				s.PromptsNearest++
			} else {
				every = false
			}
		}
		if every {
			s.ConceptsNearest++
		}
	}
	all := paraphraseScore{}
	for _, s := range scores {
		all.Concepts += s.Concepts
		all.ConceptsNearest += s.ConceptsNearest
		all.Prompts += s.Prompts
		all.PromptsNearest += s.PromptsNearest
	}
	if asJSON {
		return a.printJSON(map[string]any{"encoder": who, "catalogue": from, "train": scores[concepts.SplitTrain],
			"heldout": scores[concepts.SplitHeldout], "all": all})
	}
	fmt.Fprintf(a.stdout, "%s on %s: prompts nearer (mean cosine) their own concept's other prompts than any other concept's\n\n", who, from)
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "concepts\tevery prompt nearest\tprompts nearest")
	for _, row := range []struct {
		name string
		s    paraphraseScore
	}{{"training", *scores[concepts.SplitTrain]}, {"held-out", *scores[concepts.SplitHeldout]}, {"all", all}} {
		fmt.Fprintf(tw, "%s (%d)\t%d of %d\t%d of %d\n", row.name, row.s.Concepts, row.s.ConceptsNearest, row.s.Concepts,
			row.s.PromptsNearest, row.s.Prompts)
	}
	return tw.Flush()
}

// nearestConcept is the concept whose prompts (other than prompt i itself) have the
// highest mean similarity to prompt i; -1 if no concept has any.
func nearestConcept(sims []float64, owner []int, i, nConcepts int) int {
	sum, count := make([]float64, nConcepts), make([]int, nConcepts)
	for j, s := range sims {
		if j != i {
			sum[owner[j]] += s
			count[owner[j]]++
		}
	}
	best, bestMean := -1, math.Inf(-1)
	for k := range nConcepts {
		if count[k] > 0 && sum[k]/float64(count[k]) > bestMean {
			best, bestMean = k, sum[k]/float64(count[k])
		}
	}
	return best
}

// catalogueOf is a run directory's concept catalogue, or else the procedural
// catalogue the experiment's data section builds (before any concept filter), and
// what it is, for the report.
func catalogueOf(src source, dataSource string, train, heldout, paraphrases int, seed int64) (concepts.Catalogue, string, error) {
	if src.runDir != "" {
		path := filepath.Join(src.runDir, "stages/concepts/catalogue.json")
		cat, err := concepts.ReadFile(path)
		if err == nil {
			return cat, path, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return concepts.Catalogue{}, "", err
		}
	}
	if dataSource != "procedural" {
		return concepts.Catalogue{}, "", usagef("%s: the concepts come from data folders; give a run directory whose concepts stage has run", src.file)
	}
	cat, err := concepts.Build(imaging.Specs(), concepts.Sizes{Train: train, Heldout: heldout, Paraphrases: paraphrases}, uint64(seed))
	if err != nil {
		return concepts.Catalogue{}, "", err
	}
	return cat, fmt.Sprintf("the procedural catalogue of %s (seed %d)", src.file, seed), nil
}
