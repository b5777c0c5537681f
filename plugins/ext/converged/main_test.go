package main

import (
	"strings"
	"testing"

	"dnw/sdk/ext"
)

func TestConvergedKeepsCheckpointsNearTheBest(t *testing.T) {
	higher := ext.Batch{Checkpoints: &ext.Checkpoints{Metric: "psnr", HigherIsBetter: true, Records: []ext.Checkpoint{
		{Concept: "a", Step: 10, Metric: 20, Best: 20}, {Concept: "a", Step: 20, Metric: 19.7, Best: 20}, {Concept: "a", Step: 30, Metric: 19.5, Best: 20}}}}
	vs, err := ext.CallFilter(higher)
	if err != nil {
		t.Fatal(err)
	}
	if !vs[0].Keep || !vs[1].Keep || vs[2].Keep || !strings.Contains(vs[2].Reason, "from the concept's best 20") {
		t.Errorf("higher is better, epsilon 0.02: %+v", vs)
	}
	lower := ext.Batch{Checkpoints: &ext.Checkpoints{Metric: "l1", Records: []ext.Checkpoint{
		{Concept: "a", Step: 10, Metric: 0.101, Best: 0.1}, {Concept: "a", Step: 20, Metric: 0.11, Best: 0.1}}}}
	if vs, _ := ext.CallFilter(lower); !vs[0].Keep || vs[1].Keep {
		t.Errorf("lower is better: %+v", vs)
	}
	if err := ext.Configure([]byte(`{"epsilon": 0.2}`)); err != nil {
		t.Fatal(err)
	}
	defer ext.Configure([]byte(`{"epsilon": 0.02}`))
	if vs, _ := ext.CallFilter(lower); !vs[1].Keep {
		t.Errorf("epsilon 0.2: %+v", vs)
	}
}
