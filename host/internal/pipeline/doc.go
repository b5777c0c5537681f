// Package pipeline defines dnw's pipelines: the paper's (concepts → pairs → base →
// collect → weightgen → finetune → report) and the self-test, a small deterministic
// pipeline that calls the experiment's plugins and exercises the stage runner on real,
// seeded work. [DryRun] builds an experiment's architecture and places its LoRA
// without training, for dnw validate and the start of dnw run.
package pipeline
