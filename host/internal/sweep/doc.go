// Package sweep reads sweep files: a base experiment and the axes of an ablation
// ([[ablation]] tables), combined into trials as a grid, zipped, or drawn at
// random. Each trial is the base experiment with the keys its axis values set,
// resolved and validated like any experiment (config.LoadSettings), with problems
// reported at the sweep file's lines.
//
// A sweep file:
//
//	base = "../quickstart.toml"      # relative to this file
//
//	[sweep]
//	name = "chunk-size"
//	description = "the paper's chunk-size ablation"
//	combine = "grid"                 # grid (default), zip, or random
//	# trials = 4, seed = 1           # random: how many, and the draw's seed
//	jobs = 2                         # trials at once
//	on_failure = "fail-fast"         # or "continue"
//	backend = "local"                # or "slurm": one sbatch job array
//	[sweep.slurm]                    # each array task's resources
//	partition = "gpu"
//	cpus_per_task = 4
//	mem = "8G"
//	time = "02:00:00"
//
//	[[ablation]]                     # one key and its values
//	key = "weightgen.chunk_size"
//	values = [128, 256, 512]
//
//	[[ablation]]                     # or named variants that set several keys
//	name = "schedule"
//	[[ablation.variant]]
//	name = "linear"
//	set = { "weightgen.schedule" = "schedule.linear" }
//	[[ablation.variant]]
//	name = "cosine"
//	set = { "weightgen.schedule" = "schedule.cosine", "weightgen.t_star" = 900 }
package sweep
