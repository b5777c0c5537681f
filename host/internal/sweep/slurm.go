package sweep

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"dnw/host/internal/runstore"
)

// SlurmResources are what each array task asks of Slurm ([sweep.slurm]).
type SlurmResources struct {
	Partition   string `json:"partition,omitempty"`
	CPUsPerTask int    `json:"cpus_per_task,omitempty"`
	Mem         string `json:"mem,omitempty"`  // e.g. "4G"
	Time        string `json:"time,omitempty"` // e.g. "02:00:00"
}

// Slurm is the Slurm backend: one sbatch job array over the trials, each task
// running `dnw trial SWEEP_DIR INDEX`, so a requeued task repeats the same trial.
// The sweep directory (trials, stage cache) and the dnw executable must be on a file
// system the nodes share.
type Slurm struct {
	Exe       string   // the dnw executable the tasks run
	Env       []string // exported into the tasks (sbatch passes the environment on)
	Resources SlurmResources
	Log       *slog.Logger
}

// JobFile holds the id of the sweep's last job array, which dnw sweep status asks
// squeue about.
const JobFile = "slurm/job"

// Run submits the trials as one job array, waits for it (sbatch --wait), and
// returns the trials that did not finish. Cancelling ctx cancels the array.
func (s Slurm) Run(ctx context.Context, p *Plan, todo []PlanTrial) ([]int, error) {
	if len(todo) == 0 {
		return nil, nil
	}
	dir, err := filepath.Abs(p.Dir)
	if err != nil {
		return nil, err
	}
	script, err := s.script(dir, p, todo)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("sbatch", "--parsable", "--wait", script)
	cmd.Env = append(os.Environ(), s.Env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("sweep: sbatch: %w (is Slurm installed, and SLURM_CONF set?)", err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	job := strings.TrimSpace(strings.Split(line, ";")[0])
	if job != "" {
		os.WriteFile(filepath.Join(dir, JobFile), []byte(job+"\n"), 0o644)
		s.Log.Info("job array submitted", "job", job, "tasks", len(todo), "script", script)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		if job != "" {
			exec.Command("scancel", job).Run()
		}
		<-done
		return nil, ctx.Err()
	}
	if job == "" {
		return nil, fmt.Errorf("sweep: sbatch submitted nothing: %v %s", err, stderr.String())
	}
	var failed []int
	for _, t := range todo {
		if p.Status(t) != runstore.Done {
			failed = append(failed, t.Index)
		}
	}
	if err != nil && len(failed) == 0 {
		return nil, fmt.Errorf("sweep: sbatch: %w: %s", err, stderr.String())
	}
	return failed, nil
}

// script writes the job array's batch script.
func (s Slurm) script(dir string, p *Plan, todo []PlanTrial) (string, error) {
	var ids []string
	for _, t := range todo {
		ids = append(ids, strconv.Itoa(t.Index))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#!/bin/sh\n# dnw sweep %s: one array task per trial; written by dnw, rerun with dnw sweep resume\n", p.Name)
	fmt.Fprintf(&b, "#SBATCH --job-name=dnw-%s\n#SBATCH --array=%s\n#SBATCH --output=%s/slurm/task-%%a.out\n#SBATCH --requeue\n",
		p.Name, strings.Join(ids, ","), dir)
	r := s.Resources
	if r.Partition != "" {
		fmt.Fprintf(&b, "#SBATCH --partition=%s\n", r.Partition)
	}
	if r.CPUsPerTask > 0 {
		fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", r.CPUsPerTask)
	}
	if r.Mem != "" {
		fmt.Fprintf(&b, "#SBATCH --mem=%s\n", r.Mem)
	}
	if r.Time != "" {
		fmt.Fprintf(&b, "#SBATCH --time=%s\n", r.Time)
	}
	fmt.Fprintf(&b, "exec %q trial %q \"$SLURM_ARRAY_TASK_ID\"\n", s.Exe, dir)
	path := filepath.Join(dir, "slurm", "array.sh")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	return path, os.WriteFile(path, []byte(b.String()), 0o755)
}

// Queue is squeue's view of the sweep's last job array: each array task's state
// (PENDING, RUNNING, ...) by trial index; empty when the job has left the queue or
// the sweep never used Slurm.
func (p *Plan) Queue() map[int]string {
	data, err := os.ReadFile(filepath.Join(p.Dir, JobFile))
	if err != nil {
		return nil
	}
	out, err := exec.Command("squeue", "-h", "-r", "-j", strings.TrimSpace(string(data)), "-o", "%K %T").Output()
	if err != nil {
		return nil
	}
	q := map[int]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var i int
		var state string
		if _, err := fmt.Sscanf(line, "%d %s", &i, &state); err == nil {
			q[i] = state
		}
	}
	return q
}
