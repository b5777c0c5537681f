package config

import "time"

// Config is one experiment, fully resolved. Its sections mirror the pipeline's stages
// (concepts → pairs → base → collect → weightgen → finetune → report). Struct tags are
// the schema: `toml` names the key, `doc` documents it, `min`/`max` bound numbers,
// `enum` lists the allowed strings, `required` marks keys without a default.
// experiments/README.md documents every key; a test keeps the two in step.
type Config struct {
	Experiment Experiment `toml:"experiment" doc:"what the run is called, its seed and where it goes"`
	Data       Data       `toml:"data" doc:"concepts and paired images (stages concepts, pairs)"`
	Model      Model      `toml:"model" doc:"the image-to-image GAN and its training objective"`
	LoRA       LoRA       `toml:"lora" doc:"where LoRA goes in the generator and its size"`
	Base       Training   `toml:"base" doc:"training of the base generator on a mixture of training concepts (stage base)"`
	Collect    Collect    `toml:"collect" doc:"one LoRA fine-tune per training concept, K checkpoints each (stage collect)"`
	Weightgen  Weightgen  `toml:"weightgen" doc:"the diffusion model over LoRA weight chunks (stage weightgen)"`
	Finetune   Finetune   `toml:"finetune" doc:"held-out concepts fine-tuned from each initialization (stage finetune)"`
	Metrics    Metrics    `toml:"metrics" doc:"image-quality metrics (built-in names or .wasm extension paths)"`
	Filters    Filters    `toml:"filters" doc:"filters applied at each dataset hook (built-in names or .wasm extension paths)"`
	Extensions Extensions `toml:"extensions" doc:"the sandbox the WASM metric and filter extensions run in, and their options"`
	Selftest   Selftest   `toml:"selftest" doc:"the self-test pipeline (experiment.pipeline = \"selftest\"), which exercises the runner"`
}

// Experiment names the run.
type Experiment struct {
	Name        string `toml:"name" required:"true" pattern:"name" doc:"run name: letters, digits, '.', '_' or '-'; the default run directory is runs/NAME"`
	Description string `toml:"description" doc:"one sentence on what the experiment tests"`
	Seed        int64  `toml:"seed" min:"0" max:"9007199254740991" doc:"root seed; every stage derives its own random stream from it and its name"`
	Out         string `toml:"out" doc:"run directory, relative to the working directory; empty means runs/NAME; --out wins"`
	Pipeline    string `toml:"pipeline" enum:"paper,base,selftest" doc:"paper: the denoised-weights pipeline; base: only its base generator (stage base); selftest: a small deterministic pipeline that checks the runner"`
	Device      string `toml:"device" pattern:"device" doc:"where the tensors compute: cpu, cuda (the first GPU) or cuda:N; cuda needs bin/dnw-cuda (make cuda) and an NVIDIA GPU; --device wins; part of every stage's fingerprint, since devices round differently"`
}

// Data describes where concepts and paired images come from.
type Data struct {
	Source          string   `toml:"source" enum:"procedural,folders" doc:"procedural: concepts rendered by dnw; folders: one directory per concept with prompt.txt, A/ and B/"`
	Dir             string   `toml:"dir" doc:"root of the concept folders, relative to the working directory (required when source = \"folders\")"`
	ImageSize       int      `toml:"image_size" min:"16" max:"1024" doc:"side of the square images, in pixels; a multiple of 16"`
	TrainConcepts   int      `toml:"train_concepts" min:"1" max:"10000" doc:"number of training concepts in the catalogue"`
	HeldoutConcepts int      `toml:"heldout_concepts" min:"1" max:"10000" doc:"number of held-out concepts (unseen combinations, unseen paraphrases); folders: drawn with experiment.seed unless data.heldout or split.json names them"`
	Heldout         []string `toml:"heldout" doc:"folders: the concepts (folder names) to hold out, instead of a seeded draw of data.heldout_concepts; wins over data.dir/split.json"`
	Paraphrases     int      `toml:"paraphrases" min:"1" max:"1000" doc:"prompts per concept"`
	PairsPerConcept int      `toml:"pairs_per_concept" min:"1" max:"100000" doc:"training image pairs per concept"`
	TestPairs       int      `toml:"test_pairs" min:"1" max:"100000" doc:"held-out test pairs per concept, used only for evaluation"`
	SharedSources   bool     `toml:"shared_sources" doc:"procedural: every concept edits the same source scenes (one set for training pairs, another for test pairs), so concepts differ by their edits alone; false: each concept draws its own"`
	SkipBad         bool     `toml:"skip_bad" doc:"skip unreadable or unpaired images with a warning instead of failing"`
	MaxPixels       int      `toml:"max_pixels" min:"1" max:"1000000000" doc:"largest image accepted, in pixels (width × height), checked from its header before decoding; a larger one is an error naming it (skipped with skip_bad). 64000000 (8000×8000) is above every common camera or phone photo, and decoding that many takes 96 MB (JPEG) to 512 MB (16-bit PNG); also the most full-size pixels decoded at once. At most 10^9: 8 GB decoded"`
}

// Model picks the GAN architecture plugin and the cGAN objective.
type Model struct {
	Arch     string         `toml:"arch" pattern:"plugin:arch" doc:"architecture plugin id"`
	Options  map[string]any `toml:"options" doc:"options of the architecture plugin (checked against its schema)"`
	GANLoss  string         `toml:"gan_loss" enum:"lsgan,bce" doc:"adversarial loss of the pix2pix objective"`
	LambdaL1 float64        `toml:"lambda_l1" min:"0" max:"10000" doc:"weight of the L1 term (pix2pix: 100)"`
}

// LoRA picks the placement plugin and the adapter size.
type LoRA struct {
	Placement string         `toml:"placement" pattern:"plugin:lora" doc:"LoRA placement plugin id"`
	Options   map[string]any `toml:"options" doc:"options of the placement plugin"`
	Rank      int            `toml:"rank" min:"1" max:"256" doc:"LoRA rank r"`
	Alpha     float64        `toml:"alpha" min:"0" max:"1024" doc:"LoRA scale α; ΔW = (α/r)·B·A"`
}

// Training is one supervised GAN training run.
type Training struct {
	Steps     int     `toml:"steps" min:"1" max:"1000000" doc:"optimizer steps"`
	Batch     int     `toml:"batch" min:"1" max:"4096" doc:"image pairs per step"`
	LR        float64 `toml:"lr" min:"0" max:"1" doc:"Adam learning rate (β1 = 0.5, as pix2pix)"`
	EvalEvery int     `toml:"eval_every" min:"1" max:"1000000" doc:"steps between evaluations of the primary metric"`
}

// Collect trains one LoRA per training concept and keeps K checkpoints of each.
type Collect struct {
	Training
	Checkpoints int `toml:"checkpoints" min:"1" max:"1000000" doc:"K: checkpoints kept per concept once the metric has converged"`
	Every       int `toml:"every" min:"1" max:"1000000" doc:"M: steps between kept checkpoints"`
}

// Weightgen configures the diffusion model that predicts LoRA weights.
type Weightgen struct {
	Chunker     string         `toml:"chunker" pattern:"plugin:chunk" doc:"chunker plugin id (how LoRA vectors are grouped and cut)"`
	ChunkSize   int            `toml:"chunk_size" min:"16" max:"65536" doc:"b: weights per chunk (paper: 256 best of 128/256/512)"`
	Schedule    string         `toml:"schedule" pattern:"plugin:schedule" doc:"noise-schedule plugin id"`
	Timesteps   int            `toml:"timesteps" min:"1" max:"100000" doc:"T: diffusion steps of the schedule"`
	TextEncoder string         `toml:"text_encoder" pattern:"plugin:text" doc:"text-encoder plugin id"`
	BlockIndex  string         `toml:"block_index" enum:"sinusoidal,learned,none" doc:"how the chunk index n is encoded (paper: sinusoidal)"`
	Output      string         `toml:"output" enum:"epsilon,v" doc:"what the denoiser's last layer predicts: epsilon: ε̂ = F; v: ε̂ = σ_t·w_t + α_t·F (F predicts v, Salimans & Ho 2022)"`
	Loss        string         `toml:"loss" enum:"epsilon,v" doc:"epsilon: the ε-prediction loss ‖ε − ε̂‖² (the paper's; as v loss it weighs timestep t by α_t², next to nothing at high noise); v: ‖v − F‖², every timestep alike, so that one-step prediction from noise at a high t_star learns the prompt's LoRA (needs output = v)"`
	TextRoute   string         `toml:"text_route" enum:"none,linear,linear-only" doc:"none: the prompt enters the denoiser through its embedding and cross-attention (the paper's); linear: also through an output term linear in the prompt embedding, the model a ridge regression from the prompt fits; linear-only: through that term alone"`
	TextRank    int            `toml:"text_rank" min:"1" max:"4096" doc:"r: channels of the linear text route (its prompt projection and its patterns along the chunk)"`
	Widths      []int          `toml:"widths" min:"1" max:"4096" doc:"channels of the 1-D UNet at its three levels"`
	Depths      []int          `toml:"depths" min:"1" max:"64" doc:"ResBlocks of the 1-D UNet at each of its three levels, on the way down and again up"`
	Heads       int            `toml:"heads" min:"1" max:"64" doc:"attention heads of the transformer blocks"`
	Steps       int            `toml:"steps" min:"1" max:"1000000" doc:"training steps"`
	Batch       int            `toml:"batch" min:"1" max:"65536" doc:"chunks per step"`
	LR          float64        `toml:"lr" min:"0" max:"1" doc:"AdamW's peak learning rate (decayed to 0 along a half cosine over the steps)"`
	WeightDecay float64        `toml:"weight_decay" min:"0" max:"1" doc:"AdamW's decoupled weight decay"`
	LogEvery    int            `toml:"log_every" min:"1" max:"1000000" doc:"steps between loss-curve rows and checkpoints"`
	EMA         float64        `toml:"ema" min:"0" max:"1" doc:"decay of the exponential moving average of weights; 0 turns it off"`
	TextDropout float64        `toml:"text_dropout" min:"0" max:"1" doc:"probability of dropping the prompt (classifier-free guidance)"`
	Sampler     string         `toml:"sampler" enum:"one-step,ddim" doc:"one-step: direct reconstruction at t_star (the paper); ddim: multi-step sampling"`
	TStarShare  float64        `toml:"t_star_share" min:"0" max:"1" doc:"share of the training draws whose timestep is t_star, where one-step prediction reads the denoiser; the rest are uniform over 1…T (0, the paper's: all uniform). On data linear in the prompt 0.75 cut the held-out error from 0.59 to 0.46 of the mean's (docs/benchmarks.md)"`
	TStar       int            `toml:"t_star" min:"1" max:"100000" doc:"the noise-biased timestep of one-step prediction (the default is T's default: with weightgen.output = \"v\" the prediction from pure noise; set it with weightgen.timesteps)"`
	Guidance    float64        `toml:"guidance" min:"0" max:"20" doc:"classifier-free guidance scale of prediction: ε̂ = ε̂(∅) + g·(ε̂(τ) − ε̂(∅)); 1 uses the prompt alone, below 1 shrinks the prediction toward the unconditional one (the training mean), above 1 exaggerates the prompt; needs text_dropout > 0 for a trained null prompt"`
	DDIMSteps   int            `toml:"ddim_steps" min:"1" max:"100000" doc:"steps of DDIM sampling"`
	Options     map[string]any `toml:"options" doc:"options passed to the chunker, schedule and text-encoder plugins, by plugin id"`
}

// Finetune compares initializations on held-out concepts.
type Finetune struct {
	Training
	LoRALR  float64  `toml:"lora_lr" min:"0" max:"1" doc:"Adam learning rate of the LoRA methods (lora-zero, lora-mean, lora-nearest, generated); finetune.lr is scratch's. A LoRA trains few weights from the base model and learns slowly at the full generator's rate; keep it at collect.lr, the rate the weight dataset was trained with (docs/benchmarks.md)"`
	Methods []string `toml:"methods" enum:"scratch,lora-zero,lora-mean,lora-nearest,generated" doc:"initializations to compare"`
}

// Metrics names the image-quality metrics.
type Metrics struct {
	Primary string   `toml:"primary" doc:"metric that drives convergence and time-to-quality"`
	Extra   []string `toml:"extra" doc:"further metrics reported beside the primary one"`
}

// Extensions configures the sandbox of the WASM extensions (metrics and filters).
type Extensions struct {
	MemoryPages int            `toml:"memory_pages" min:"16" max:"65536" doc:"memory cap of each extension instance, in 64 KiB pages (4096 = 256 MiB)"`
	Deadline    Duration       `toml:"deadline" max:"24h" doc:"wall-clock limit of one call into an extension (e.g. \"30s\"); a call past it fails"`
	ReadOnlyDir string         `toml:"readonly_dir" doc:"a directory every extension may read, mounted at /data, relative to the working directory; empty: extensions see no files"`
	OnError     string         `toml:"on_error" enum:"stop,continue" doc:"when an extra metric or a filter fails: stop the stage, or continue (the extra metric is recorded as missing, the failed filter keeps every record) with a warning; the primary metric always stops"`
	Options     map[string]any `toml:"options" doc:"options of each extension, by its name (a built-in's name, or a path's file name without .wasm), checked against the extension's schema"`
}

// Filters names the filters of each dataset hook.
type Filters struct {
	Checkpoints []string `toml:"checkpoints" doc:"which collected checkpoints enter the weight dataset"`
	Concepts    []string `toml:"concepts" doc:"which concepts enter the catalogue"`
	Pairs       []string `toml:"pairs" doc:"which image pairs are kept"`
}

// Selftest sizes the self-test pipeline: it draws a noisy linear-regression data set and
// fits it with minibatch SGD, checkpointing as it goes, so kill-and-resume can be checked
// on real, seeded, deterministic work.
type Selftest struct {
	Samples         int      `toml:"samples" min:"1" max:"10000000" doc:"rows of the synthetic regression data"`
	Dim             int      `toml:"dim" min:"1" max:"4096" doc:"features per row"`
	Steps           int      `toml:"steps" min:"1" max:"1000000" doc:"SGD steps of the fit stage"`
	Batch           int      `toml:"batch" min:"1" max:"10000000" doc:"rows per SGD step"`
	LR              float64  `toml:"lr" min:"0" max:"1" doc:"SGD learning rate"`
	CheckpointEvery int      `toml:"checkpoint_every" min:"1" max:"1000000" doc:"steps between checkpoints"`
	StepDelay       Duration `toml:"step_delay" max:"1m" doc:"sleep per step, so a demo or a test can watch and interrupt the work (e.g. \"2ms\")"`
}

// Default returns the defaults of every key. Numbers come from the paper (Gong et al.,
// ECCV 2024) and pix2pix where they exist, and are scaled to this 2-core machine where
// they do not; the issue that implements a stage owns its numbers.
func Default() Config {
	return Config{
		Experiment: Experiment{Seed: 0, Pipeline: "paper", Device: "cpu"},
		Data: Data{
			Source: "procedural", ImageSize: 64,
			TrainConcepts: 60, HeldoutConcepts: 12, Heldout: []string{}, Paraphrases: 3,
			PairsPerConcept: 32, TestPairs: 8, SharedSources: true,
			MaxPixels: 64_000_000, // conceptdirs.DefaultMaxPixels
		},
		Model: Model{Arch: "arch.e2gan", GANLoss: "lsgan", LambdaL1: 100},
		LoRA:  LoRA{Placement: "lora.e2gan-paper", Rank: 4, Alpha: 4},
		Base:  Training{Steps: 2000, Batch: 8, LR: 2e-4, EvalEvery: 100},
		Collect: Collect{
			// A LoRA trains few weights from the base model: at pix2pix's 2e-4 the
			// E2GAN LoRA gains 1.5 dB in 100 steps, at 2e-3 2.6 dB, at 1e-2 it
			// diverges (docs/benchmarks.md, "The LoRA's learning rate").
			Training:    Training{Steps: 400, Batch: 8, LR: 2e-3, EvalEvery: 20},
			Checkpoints: 5, Every: 20,
		},
		Weightgen: Weightgen{
			Chunker: "chunk.per-layer", ChunkSize: 256,
			Schedule: "schedule.linear", Timesteps: 1000,
			TextEncoder: "text.hashgram", BlockIndex: "sinusoidal", Output: "v",
			// The v loss and t* = T: one-step prediction from pure noise learns the
			// prompt's LoRA. The ε loss gives those steps a weight α_t² of next to
			// nothing, and t* = 500 keeps 0.28 of the input noise in the result
			// (weightgen.TestOneStepDefaultsBeatTheMeanOnLinearData).
			Loss: "v",
			// 64 text-route channels: four per chunk of the attention-only LoRA did as
			// well as sixteen in the held-out check (docs/benchmarks.md).
			TextRoute: "none", TextRank: 64,
			// The paper-sized 64/128/256 predicts in 1.0–1.7 s on two cores, 8/16/32 in
			// 66–82 ms, within the 100 ms target (docs/benchmarks.md, "Weight generator").
			Widths: []int{8, 16, 32}, Depths: []int{1, 1, 1}, Heads: 4,
			Steps: 5000, Batch: 256, LR: 1e-3, WeightDecay: 0.01, LogEvery: 50, EMA: 0.999, TextDropout: 0.1,
			Sampler: "one-step", TStar: 1000, DDIMSteps: 50, Guidance: 1,
		},
		Finetune: Finetune{
			Training: Training{Steps: 300, Batch: 8, LR: 2e-4, EvalEvery: 25},
			// collect.lr's: the rate chosen on training concepts.
			LoRALR:  2e-3,
			Methods: []string{"scratch", "lora-zero", "lora-mean", "lora-nearest", "generated"},
		},
		Metrics: Metrics{Primary: "psnr", Extra: []string{}},
		Filters: Filters{Checkpoints: []string{"converged"}, Concepts: []string{}, Pairs: []string{}},
		// extensions.DefaultMemoryPages and DefaultDeadline, with their reasons.
		Extensions: Extensions{MemoryPages: 4096, Deadline: Duration{30 * time.Second}, OnError: "stop", Options: map[string]any{}},
		Selftest: Selftest{
			Samples: 4096, Dim: 16, Steps: 2000, Batch: 32, LR: 0.05, CheckpointEvery: 100,
		},
	}
}
