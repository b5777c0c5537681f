package pipeline

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"dnw/host/internal/stage"
)

// Selftest checks an installation (`make demo`) and is what the runner's
// kill-and-resume tests run. It first calls every plugin the experiment names, chained
// as the paper's stages chain them, then fits a noisy linear model y = x·w + ε with
// minibatch SGD: small but real work — seeded draws, a long checkpointed loop,
// artifacts read by later stages.
func Selftest() stage.Pipeline {
	return stage.Pipeline{Name: "selftest", Stages: []stage.Stage{
		pluginCheckStage,
		{Name: "sample", Doc: "draw the regression data set and its true weights",
			Keys:    []string{"selftest.samples", "selftest.dim"},
			Outputs: []string{"data.bin", "truth.bin"},
			Run:     runSample},
		{Name: "fit", Doc: "minibatch SGD on the data set, checkpointed",
			// step_delay is left out on purpose: it changes how long the stage takes, not
			// what it computes, so changing it must not invalidate a finished fit.
			Keys:    []string{"selftest.steps", "selftest.batch", "selftest.lr", "selftest.checkpoint_every"},
			Inputs:  []string{"sample/data.bin"},
			Outputs: []string{"weights.bin", "loss.csv"},
			Run:     runFit},
		{Name: "summarize", Doc: "error of the fitted weights against the truth",
			Inputs:  []string{"sample/truth.bin", "fit/weights.bin", "fit/loss.csv"},
			Outputs: []string{"summary.json"},
			Run:     runSummarize},
	}}
}

// noiseStd is the standard deviation of ε; small enough that the fit is well posed.
const noiseStd = 0.1

// runSample writes data.bin, rows of (x_1..x_d, y) as little-endian float64, and
// truth.bin, the weights w.
func runSample(ctx context.Context, env *stage.Env) error {
	c := env.Config.Selftest
	rng := rand.New(env.Source("data"))
	w := make([]float64, c.Dim)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	rows := make([]float64, 0, c.Samples*(c.Dim+1))
	bar := env.Progress(int64(c.Samples), "rows", 0)
	for i := range c.Samples {
		y := noiseStd * rng.NormFloat64()
		for j := range c.Dim {
			x := rng.NormFloat64()
			rows = append(rows, x)
			y += x * w[j]
		}
		rows = append(rows, y)
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			bar.Set(int64(i))
		}
	}
	bar.Set(int64(c.Samples))
	if err := env.WriteFile("data.bin", floats(rows)); err != nil {
		return err
	}
	return env.WriteFile("truth.bin", floats(w))
}

// fitState is everything the fit loop needs to continue exactly where it stopped.
type fitState struct {
	Step   int
	W      []float64
	RNG    []byte    // rand.PCG state
	Window float64   // sum of batch losses since the last curve point
	Curve  []float64 // mean batch loss of each checkpoint_every window
}

func runFit(ctx context.Context, env *stage.Env) error {
	c := env.Config.Selftest
	data, err := readFloats(env.Input("sample/data.bin"))
	if err != nil {
		return err
	}
	dim := c.Dim
	n := len(data) / (dim + 1)

	src := env.Source("batches")
	st := fitState{W: make([]float64, dim)}
	if ok, err := env.LoadCheckpoint(&st); err != nil {
		return err
	} else if ok {
		if err := src.UnmarshalBinary(st.RNG); err != nil {
			return fmt.Errorf("restoring random stream: %w", err)
		}
	}
	rng := rand.New(src)
	save := func() error {
		st.RNG, _ = src.MarshalBinary()
		return env.SaveCheckpoint(&st, int64(st.Step))
	}

	bar := env.Progress(int64(c.Steps), "steps", int64(st.Step))
	grad := make([]float64, dim)
	for st.Step < c.Steps {
		if err := pause(ctx, c.StepDelay.Duration); err != nil {
			if serr := save(); serr != nil {
				return serr
			}
			return err
		}
		clear(grad)
		loss := 0.0
		for range c.Batch {
			row := data[rng.IntN(n)*(dim+1):][:dim+1]
			r := -row[dim]
			for j, x := range row[:dim] {
				r += x * st.W[j]
			}
			loss += r * r
			for j, x := range row[:dim] {
				grad[j] += 2 * r * x
			}
		}
		for j := range st.W {
			st.W[j] -= c.LR * grad[j] / float64(c.Batch)
		}
		st.Window += loss / float64(c.Batch)
		st.Step++
		bar.Set(int64(st.Step))
		if st.Step%c.CheckpointEvery == 0 || st.Step == c.Steps {
			span := (st.Step-1)%c.CheckpointEvery + 1
			st.Curve = append(st.Curve, st.Window/float64(span))
			st.Window = 0
			if err := save(); err != nil {
				return err
			}
		}
	}

	if err := env.WriteFile("weights.bin", floats(st.W)); err != nil {
		return err
	}
	return env.Write("loss.csv", func(w io.Writer) error {
		fmt.Fprintln(w, "step,loss")
		for i, l := range st.Curve {
			fmt.Fprintf(w, "%d,%.10g\n", min((i+1)*c.CheckpointEvery, c.Steps), l)
		}
		return nil
	})
}

// pause sleeps for d unless ctx ends first.
func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Summary is summary.json.
type Summary struct {
	WeightRMSE float64 `json:"weight_rmse"` // ‖ŵ − w‖ / √d
	FirstLoss  float64 `json:"first_loss"`  // mean batch loss of the first window
	FinalLoss  float64 `json:"final_loss"`  // of the last window; ≈ noiseStd² when fitted
	NoiseFloor float64 `json:"noise_floor"` // noiseStd²
}

func runSummarize(ctx context.Context, env *stage.Env) error {
	truth, err := readFloats(env.Input("sample/truth.bin"))
	if err != nil {
		return err
	}
	w, err := readFloats(env.Input("fit/weights.bin"))
	if err != nil {
		return err
	}
	curve, err := readLossCurve(env.Input("fit/loss.csv"))
	if err != nil {
		return err
	}
	sq := 0.0
	for i := range w {
		sq += (w[i] - truth[i]) * (w[i] - truth[i])
	}
	s := Summary{
		WeightRMSE: math.Sqrt(sq / float64(len(w))),
		FirstLoss:  curve[0].Loss, FinalLoss: curve[len(curve)-1].Loss,
		NoiseFloor: noiseStd * noiseStd,
	}
	env.Log.Info("fit summary", "weight_rmse", s.WeightRMSE, "first_loss", s.FirstLoss, "final_loss", s.FinalLoss)
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return env.WriteFile("summary.json", append(data, '\n'))
}

func floats(v []float64) []byte {
	b := make([]byte, 0, 8*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

func readFloats(path string) ([]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b)%8 != 0 {
		return nil, fmt.Errorf("%s: %d bytes is not a whole number of float64s", path, len(b))
	}
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return v, nil
}
