// Package pipeline defines dnw's pipelines: the paper's (concepts → pairs → base →
// collect → weightgen → finetune → report) and the self-test, a small deterministic
// pipeline that calls the experiment's plugins and exercises the stage runner on real,
// seeded work.
package pipeline
