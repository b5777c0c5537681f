package pipeline

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"

	"dnw/host/internal/concepts"
	"dnw/host/internal/engine"
	"dnw/host/internal/pairstore"
	"dnw/host/internal/stage"
)

// Base is the paper pipeline up to its base generator: for architecture studies, and
// a check of the engine end to end (experiments/base.toml).
func Base() stage.Pipeline {
	return stage.Pipeline{Name: "base", Stages: []stage.Stage{conceptsStage, pairsStage, baseStage}}
}

// baseStage trains the base generator from scratch with pix2pix's objective on the
// mixture of the training concepts' pairs, E2GAN's recipe for the model every
// concept's LoRA adapts: each batch element is a pair of a random training concept.
var baseStage = stage.Stage{
	Name:    "base",
	Doc:     "the base generator trained on a mixture of training concepts",
	Keys:    []string{"model", "base", "data.image_size"},
	Plugins: []string{"model.arch"},
	Inputs:  []string{"concepts/catalogue.json", "pairs/pairs.safetensors"},
	Outputs: []string{"generator.safetensors", "discriminator.safetensors", "loss.csv"},
	Run:     runBase,
}

// evalPairs bounds the test pairs the base stage's evaluation translates: the first
// test pair of each of the first evalPairs training concepts.
const evalPairs = 16

// baseState is everything the base loop needs to continue exactly where it stopped.
type baseState struct {
	Step  int
	GAN   engine.GANState
	RNG   []byte    // the batch stream's rand.PCG state
	Sums  StepSums  // losses summed since the last curve row
	Curve []BaseRow // one row per evaluation
}

// StepSums accumulates training losses between evaluations.
type StepSums struct {
	L1, GenAdv, Disc float64
	Steps            int
}

// BaseRow is one line of loss.csv: mean training losses since the previous row and
// the L1 distance of the generator's translations of the held-out pairs. The row of
// step 0 evaluates the untrained generator; its training losses are NaN (empty).
type BaseRow struct {
	Step                     int
	L1, GenAdv, Disc, EvalL1 float64
}

func runBase(ctx context.Context, env *stage.Env) error {
	c := env.Config
	size := c.Data.ImageSize
	model, opts, err := buildArch(ctx, env)
	if err != nil {
		return err
	}
	gan, err := engine.NewGAN(model, nil, engine.GANConfig{Loss: c.Model.GANLoss, LambdaL1: c.Model.LambdaL1,
		LR: c.Base.LR, Batch: c.Base.Batch, Device: c.Device()}, uint64(c.Experiment.Seed))
	if err != nil {
		return err
	}
	defer gan.Close()
	mixture, err := trainingPairs(env)
	if err != nil {
		return err
	}
	evalSrc, evalTgt := mixture.evalSet(evalPairs)
	gen, err := engine.NewGenerator(model.Generator, len(evalSrc)/(3*size*size), gan.Gen)
	if err != nil {
		return err
	}
	defer gen.Close()

	src := env.Source("batches")
	var st baseState
	if ok, err := env.LoadCheckpoint(&st); err != nil {
		return err
	} else if ok {
		if err := src.UnmarshalBinary(st.RNG); err != nil {
			return fmt.Errorf("restoring the batch stream: %w", err)
		}
		if err := gan.Restore(st.GAN); err != nil {
			return fmt.Errorf("restoring the GAN: %w", err)
		}
	}
	rng := rand.New(src)
	save := func() error {
		var err error
		if st.GAN, err = gan.State(); err != nil {
			return err
		}
		st.RNG, _ = src.MarshalBinary()
		return env.SaveCheckpoint(&st, int64(st.Step))
	}

	env.Log.Info("training the base generator", "arch", c.Model.Arch, "image_size", size,
		"generator_params", model.Generator.NumParams(), "discriminator_params", model.Discriminator.NumParams(),
		"steps", c.Base.Steps, "batch", c.Base.Batch, "concepts", len(mixture))
	evaluate := func() error {
		out, err := gen.Run(evalSrc)
		if err != nil {
			return err
		}
		n := float64(st.Sums.Steps)
		row := BaseRow{Step: st.Step, L1: st.Sums.L1 / n, GenAdv: st.Sums.GenAdv / n, Disc: st.Sums.Disc / n,
			EvalL1: meanAbsDiff(out, evalTgt)}
		st.Curve, st.Sums = append(st.Curve, row), StepSums{}
		env.Log.Info("base evaluation", "step", row.Step, "l1", row.L1, "gen_adv", row.GenAdv,
			"disc", row.Disc, "eval_l1", row.EvalL1)
		return nil
	}
	if len(st.Curve) == 0 {
		if err := evaluate(); err != nil {
			return err
		}
	}
	bar := env.Progress(int64(c.Base.Steps), "steps", int64(st.Step))
	for st.Step < c.Base.Steps {
		if err := ctx.Err(); err != nil {
			if serr := save(); serr != nil {
				return serr
			}
			return err
		}
		s, t := mixture.batch(rng, c.Base.Batch)
		l, err := gan.Step(s, t)
		if err != nil {
			return err
		}
		st.Step++
		st.Sums.L1 += float64(l.L1)
		st.Sums.GenAdv += float64(l.GenAdv)
		st.Sums.Disc += float64(l.Disc)
		st.Sums.Steps++
		bar.Set(int64(st.Step))
		if st.Step%c.Base.EvalEvery == 0 || st.Step == c.Base.Steps {
			if err := evaluate(); err != nil {
				return err
			}
			if err := save(); err != nil {
				return err
			}
		}
	}

	ck := engine.Checkpoint{Params: gan.Gen.Tensors(), Arch: c.Model.Arch, Options: opts,
		Extra: map[string]string{"stage": "base", "steps": strconv.Itoa(st.Step)}}
	if err := engine.SaveCheckpoint(env.Path("generator.safetensors"), ck); err != nil {
		return err
	}
	ck.Params = gan.Disc.Tensors() // each concept's LoRA fine-tune starts its discriminator here
	if err := engine.SaveCheckpoint(env.Path("discriminator.safetensors"), ck); err != nil {
		return err
	}
	return env.Write("loss.csv", func(w io.Writer) error {
		if _, err := fmt.Fprintln(w, "step,l1,gen_adv,disc,eval_l1"); err != nil {
			return err
		}
		for _, r := range st.Curve {
			if _, err := fmt.Fprintf(w, "%d,%s,%s,%s,%s\n", r.Step, csvNum(r.L1), csvNum(r.GenAdv), csvNum(r.Disc), csvNum(r.EvalL1)); err != nil {
				return err
			}
		}
		return nil
	})
}

// csvNum formats x for loss.csv, NaN as an empty field.
func csvNum(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', 6, 64)
}

// meanAbsDiff is mean |a − b|, the L1 distance of pix2pix's objective.
func meanAbsDiff(a, b []float32) float64 {
	s := 0.0
	for i := range a {
		s += math.Abs(float64(a[i] - b[i]))
	}
	return s / float64(len(a))
}

// mixture is the training concepts' pairs, in catalogue order.
type mixture []pairstore.Concept

// trainingPairs reads the pairs of the catalogue's training concepts.
func trainingPairs(env *stage.Env) (mixture, error) {
	cat, err := concepts.ReadFile(env.Input("concepts/catalogue.json"))
	if err != nil {
		return nil, err
	}
	pairs, err := pairstore.Read(env.Input("pairs/pairs.safetensors"))
	if err != nil {
		return nil, err
	}
	var m mixture
	for _, k := range cat.Train() {
		p, ok := pairs[k.ID]
		if !ok {
			return nil, fmt.Errorf("concept %s has no pairs in pairs/pairs.safetensors", k.ID)
		}
		m = append(m, p)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("the catalogue has no training concepts")
	}
	return m, nil
}

// batch draws n pairs, each of a uniformly chosen concept.
func (m mixture) batch(rng *rand.Rand, n int) (src, tgt []float32) {
	for range n {
		s, t := m[rng.IntN(len(m))].Train.Batch(rng, 1)
		src, tgt = append(src, s...), append(tgt, t...)
	}
	return src, tgt
}

// evalSet is the first test pair of each of the first n concepts.
func (m mixture) evalSet(n int) (src, tgt []float32) {
	for _, c := range m[:min(n, len(m))] {
		s, t := c.Test.Pair(0)
		src, tgt = append(src, s...), append(tgt, t...)
	}
	return src, tgt
}
