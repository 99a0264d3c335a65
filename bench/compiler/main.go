// Command compiler measures how `cloesce compile` scales: for synthetic
// schemas of several sizes (package synth) it runs the binary repeatedly
// and reports the best and median wall time, the median CPU time (user
// and system: less sensitive than wall time to other jobs on the machine),
// the peak resident memory of the child process, and the growth factor per
// 10× models. It prints JSON for bench/run.mjs.
//
// The project is a schema and a Worker entry point (src/main.ts, so that
// compile has nothing to warn about). Before each run the generated files
// are deleted, so that every run writes them all, as after a change to
// the schema: a run whose outputs are unchanged only reads them back.
//
//	go run ./bench/compiler -bin bin/cloesce
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cloesce-go/cloesce/bench/synth"
)

// A Size is the result for one schema size.
type Size struct {
	Models   int       `json:"models"`
	Bytes    int       `json:"schema_bytes"`
	Runs     int       `json:"runs"`
	BestMs   float64   `json:"best_ms"`
	MedianMs float64   `json:"median_ms"`
	WallMs   []float64 `json:"wall_ms"`
	// CPUMs is the median user and system time of the child process.
	CPUMs float64 `json:"cpu_ms"`
	// PeakRSSMB is the largest maximum resident set size over the runs.
	PeakRSSMB float64 `json:"peak_rss_mb"`
	// OutputBytes is the size of the generated files together.
	OutputBytes int64 `json:"output_bytes"`
}

// A Growth compares the median times of two consecutive sizes, scaled to
// a factor per 10× models (10 means linear).
type Growth struct {
	From   int     `json:"from"`
	To     int     `json:"to"`
	Ratio  float64 `json:"ratio"`
	Per10x float64 `json:"per_10x"`
}

type report struct {
	Sizes  []Size   `json:"sizes"`
	Growth []Growth `json:"growth"`
}

func main() {
	bin := flag.String("bin", "bin/cloesce", "the compiler binary")
	sizes := flag.String("sizes", "100,1000,5000", "comma-separated model counts")
	runs := flag.Int("runs", 9, "timed runs per size (after one warm-up)")
	flag.Parse()
	if err := run(*bin, *sizes, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench/compiler:", err)
		os.Exit(1)
	}
}

func run(bin, sizes string, runs int) error {
	abs, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	var r report
	for _, field := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil {
			return fmt.Errorf("bad size %q", field)
		}
		s, err := measure(abs, n, runs)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "compile %5d models: best %7.1f ms, median %7.1f ms, CPU %7.1f ms, peak RSS %6.1f MB\n", n, s.BestMs, s.MedianMs, s.CPUMs, s.PeakRSSMB)
		r.Sizes = append(r.Sizes, s)
	}
	for i := 1; i < len(r.Sizes); i++ {
		a, b := r.Sizes[i-1], r.Sizes[i]
		ratio := b.MedianMs / a.MedianMs
		r.Growth = append(r.Growth, Growth{From: a.Models, To: b.Models, Ratio: ratio,
			Per10x: math.Pow(ratio, 1/math.Log10(float64(b.Models)/float64(a.Models)))})
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// outputs are the files compile writes in the output directory.
var outputs = []string{"cidl.json", "cidl.ts", "backend.ts", "client.ts"}

// measure compiles a schema of n models in a fresh directory runs+1 times,
// discarding the first run (cold page cache, the wrangler config's first
// write).
func measure(bin string, n, runs int) (Size, error) {
	dir, err := os.MkdirTemp("", "cloesce-bench-compile-")
	if err != nil {
		return Size{}, err
	}
	defer os.RemoveAll(dir)
	text := synth.Schema(n)
	if err := os.WriteFile(filepath.Join(dir, synth.FileName), []byte(text), 0o644); err != nil {
		return Size{}, err
	}
	if err := os.Mkdir(filepath.Join(dir, "src"), 0o755); err != nil {
		return Size{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "main.ts"), []byte("export { default } from \"../.cloesce/backend.js\";\n"), 0o644); err != nil {
		return Size{}, err
	}
	s := Size{Models: n, Bytes: len(text), Runs: runs}
	var cpu []float64
	for i := range runs + 1 {
		for _, f := range outputs {
			if err := os.Remove(filepath.Join(dir, ".cloesce", f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return Size{}, err
			}
		}
		cmd := exec.Command(bin, "compile", dir)
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return Size{}, fmt.Errorf("compile %d models: %w", n, err)
		}
		wall := time.Since(start)
		if i == 0 {
			continue
		}
		s.WallMs = append(s.WallMs, float64(wall.Microseconds())/1000)
		usage := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		cpu = append(cpu, float64(usage.Utime.Nano()+usage.Stime.Nano())/1e6)
		// On Linux Maxrss is in kilobytes.
		s.PeakRSSMB = max(s.PeakRSSMB, float64(usage.Maxrss)/1024)
	}
	sorted := slices.Sorted(slices.Values(s.WallMs))
	s.BestMs, s.MedianMs = sorted[0], sorted[len(sorted)/2]
	s.CPUMs = slices.Sorted(slices.Values(cpu))[len(cpu)/2]
	for _, f := range outputs {
		info, err := os.Stat(filepath.Join(dir, ".cloesce", f))
		if err != nil {
			return Size{}, err
		}
		s.OutputBytes += info.Size()
	}
	return s, nil
}
