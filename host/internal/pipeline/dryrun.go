package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"dnw/host/internal/config"
	"dnw/host/internal/lora"
	"dnw/host/internal/pluginhost"
	"dnw/host/internal/report"
	"dnw/host/internal/stage"
	"dnw/host/internal/weightgen"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// Plan is what a dry run of an experiment's architecture and LoRA placement found:
// the model builds, its IR is valid, and LoRA goes on these layers. dnw validate and
// the start of dnw run make one, so that a placement the architecture cannot take
// (lora.attention-only on an architecture without attention) fails in milliseconds
// rather than at stage collect, after base has trained.
type Plan struct {
	Arch            string // model.arch
	GeneratorParams int
	Placement       string       // lora.placement; empty when the pipeline places no LoRA
	TrainNorms      bool         // the norms reading a placed layer train along with LoRA
	Layers          []lora.Layer // where LoRA goes, in the order of the LoRA vector
	// Warnings are problems that do not stop a run: places asked for that the
	// architecture lacks. Each names the file, line and key.
	Warnings []*config.Error
}

// Weights is the length of the LoRA vector: what the weight generator predicts.
func (p *Plan) Weights() int {
	n := 0
	for _, l := range p.Layers {
		n += l.Weights
	}
	return n
}

// Log writes the plan to a run's log: a line for the placement, one per layer.
func (p *Plan) Log(log *slog.Logger) {
	for _, w := range p.Warnings {
		log.Warn(w.Error())
	}
	if p.Placement == "" {
		return
	}
	log.Info("LoRA placed", "placement", p.Placement, "arch", p.Arch, "generator_params", p.GeneratorParams, "layers", len(p.Layers),
		"weights", p.Weights(), "train_norms", p.TrainNorms)
	for _, l := range p.Layers {
		log.Info("LoRA layer", "node", l.Node, "op", l.Op, "rank", l.Rank, "alpha", l.Alpha, "weights", l.Weights)
	}
}

// DryRun builds the experiment's architecture, when a stage of pipeline p calls
// model.arch, and places LoRA on its generator, when one calls lora.placement, as
// those stages will, without training anything; when one calls weightgen.schedule,
// it computes the schedule and checks that one-step prediction can be read from it
// (weightgen.CheckOneStep). Held-out concepts named for folder data must be concept
// folders (checkSplit). The plugins must exist and take their options
// (Manager.CheckExperiment). A model, placement or schedule that fails is a
// config.Error at its key, where the file sets it.
func DryRun(ctx context.Context, plugins *pluginhost.Manager, r *config.Resolved, p stage.Pipeline) (*Plan, error) {
	c := &r.Config
	if err := checkSplit(r); err != nil {
		return nil, err
	}
	calls := func(key string) bool {
		return slices.ContainsFunc(p.Stages, func(s stage.Stage) bool { return slices.Contains(s.Plugins, key) })
	}
	plan := &Plan{Arch: c.Model.Arch}
	if !calls("model.arch") {
		return plan, nil
	}
	get := func(key string) (sdk.Plugin, sdk.Options, error) {
		for _, u := range pluginhost.Uses(c) {
			if u.Key == key {
				cl, err := plugins.Get(ctx, u.ID)
				if err != nil {
					return nil, nil, err
				}
				return cl.Plugin, u.Options, nil
			}
		}
		panic("pipeline: no plugin key " + key)
	}
	// bad turns a plugin's refusal into a mistake of the experiment at key; a
	// cancelled run stays what it is.
	bad := func(key string, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return config.Errors{r.Errorf(key, "%v", err)}
	}

	if calls("weightgen.schedule") {
		sched, opts, err := get("weightgen.schedule")
		if err != nil {
			return nil, err
		}
		s, ok := sched.(sdk.NoiseSchedule)
		if !ok {
			return nil, bad("weightgen.schedule", fmt.Errorf("%s is not a noise schedule plugin", c.Weightgen.Schedule))
		}
		tables, err := s.Tables(ctx, c.Weightgen.Timesteps, opts)
		if err != nil {
			return nil, bad("weightgen.schedule", err)
		}
		if err := weightgen.CheckOneStep(c.Weightgen.Output, c.Weightgen.Sampler, c.Weightgen.TStar, tables); err != nil {
			return nil, bad("weightgen.output", err)
		}
	}

	arch, opts, err := get("model.arch")
	if err != nil {
		return nil, err
	}
	a, ok := arch.(sdk.Architecture)
	if !ok {
		return nil, bad("model.arch", fmt.Errorf("%s is not an architecture plugin", c.Model.Arch))
	}
	model, err := buildModel(ctx, c.Model.Arch, a, c.Data.ImageSize, opts)
	if err != nil {
		return nil, bad("model.arch", err)
	}
	plan.GeneratorParams = model.Generator.NumParams()
	if !calls("lora.placement") {
		return plan, nil
	}

	placer, opts, err := get("lora.placement")
	if err != nil {
		return nil, err
	}
	pl, ok := placer.(sdk.LoRAPlacement)
	if !ok {
		return nil, bad("lora.placement", fmt.Errorf("%s is not a LoRA placement plugin", c.LoRA.Placement))
	}
	placement, err := place(ctx, c, pl, model.Generator, opts)
	if err != nil {
		return nil, bad("lora.placement", err)
	}
	if plan.Layers, err = lora.Layers(model.Generator, placement); err != nil {
		return nil, bad("lora.placement", fmt.Errorf("%s placed LoRA where it cannot go on %s: %w", c.LoRA.Placement, c.Model.Arch, err))
	}
	plan.Placement, plan.TrainNorms = c.LoRA.Placement, placement.TrainNorms
	if w := missingPlaces(r, pl, opts, model.Generator, placement); w != nil {
		plan.Warnings = append(plan.Warnings, w)
	}
	return plan, nil
}

// missingPlaces warns of a partial match: a placement with a places option (a list of
// tags, as lora.e2gan-paper's) whose places the architecture has only some of. The
// places it lacks get no LoRA without a word from the plugin, which fails only when
// it finds none at all; an ablation over places would then compare runs that differ
// less than their files say.
func missingPlaces(r *config.Resolved, pl sdk.LoRAPlacement, opts sdk.Options, g ir.Graph, p sdk.Placement) *config.Error {
	specs := pl.Info().Options
	i := slices.IndexFunc(specs, func(s sdk.OptionSpec) bool { return s.Name == "places" && s.Type == sdk.OptionStrings })
	if i < 0 {
		return nil
	}
	resolved, errs := sdk.Resolve(specs, opts)
	if len(errs) > 0 {
		return nil // CheckExperiment reports these
	}
	var missing []string
	for _, place := range resolved.Strings("places") {
		found := slices.ContainsFunc(p.Layers, func(l sdk.LoRALayer) bool {
			n, _ := g.Node(l.Node)
			return n.HasTag(place)
		})
		if !found {
			missing = append(missing, place)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	key := "lora.placement"
	if _, set := r.Origin("lora.options.places"); set {
		key = "lora.options.places"
	}
	c := &r.Config
	return r.Errorf(key, "%s finds no node for place(s) %s in the %s of %s: LoRA goes only on the %d layer(s) of the other places",
		c.LoRA.Placement, strings.Join(missing, ", "), g.Name, c.Model.Arch, len(p.Layers))
}

// placedLoRA is where a run's LoRA went, for its report: the placement the stages
// made, made again.
func placedLoRA(ctx context.Context, env *stage.Env) (report.LoRA, error) {
	model, placement, err := loraModel(ctx, env)
	if err != nil {
		return report.LoRA{}, err
	}
	layers, err := lora.Layers(model.Generator, placement)
	if err != nil {
		return report.LoRA{}, err
	}
	c := env.Config
	out := report.LoRA{Placement: c.LoRA.Placement, Arch: c.Model.Arch, TrainNorms: placement.TrainNorms}
	for _, l := range layers {
		out.Layers = append(out.Layers, report.LoRALayer{Node: l.Node, Op: string(l.Op), Rank: l.Rank, Alpha: l.Alpha, Weights: l.Weights})
		out.Weights += l.Weights
	}
	return out, nil
}
