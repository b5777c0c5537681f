package pipeline

import (
	"context"
	"fmt"
	"math"

	"dnw/host/internal/extensions"
	"dnw/host/internal/quality"
	"dnw/host/internal/stage"
	"dnw/sdk/ext"
)

// metric is a metric extension (metrics.primary or one of metrics.extra) scoring
// generated images against their targets.
type metric struct {
	Name           string
	HigherIsBetter bool
	ext            *extensions.Extension
}

// openMetric opens the metric the key names (ref is its value).
func openMetric(ctx context.Context, env *stage.Env, key, ref string) (metric, error) {
	x, err := env.Extension(ctx, key, ref)
	if err != nil {
		return metric{}, err
	}
	if x.Info.Kind != ext.KindMetric {
		return metric{}, fmt.Errorf("%s = %q is a %s extension, not a metric", key, ref, x.Info.Kind)
	}
	return metric{Name: x.Info.Name, HigherIsBetter: x.Info.HigherIsBetter, ext: x}, nil
}

// primaryMetric opens metrics.primary.
func primaryMetric(ctx context.Context, env *stage.Env) (metric, error) {
	return openMetric(ctx, env, "metrics.primary", env.Config.Metrics.Primary)
}

// Score scores n generated images (3, size, size) against their targets, both
// flattened NCHW in [-1, 1].
func (m metric) Score(ctx context.Context, pred, target []float32, n, size int) (float64, error) {
	s, err := m.ScoreWithSubs(ctx, pred, target, n, size)
	if err != nil {
		return math.NaN(), err
	}
	return s.Value, nil
}

// ScoreWithSubs is Score with the metric's named sub-scores.
func (m metric) ScoreWithSubs(ctx context.Context, pred, target []float32, n, size int) (ext.Score, error) {
	shape := ext.Images{N: n, C: 3, H: size, W: size}
	p, t := shape, shape
	p.Pix, t.Pix = pred, target
	return m.ext.Score(ctx, p, t)
}

// Better reports whether score a is better than b.
func (m metric) Better(a, b float64) bool { return quality.Better(a, b, m.HigherIsBetter) }
