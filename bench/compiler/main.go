// Command compiler measures how `cloesce compile` scales: for synthetic
// schemas of several sizes (package synth) it runs the binary repeatedly
// and reports the best and median wall time, the peak resident memory of
// the child process, and the growth factor per 10× models. It prints JSON
// for bench/run.mjs.
//
//	go run ./bench/compiler -bin bin/cloesce
package main

import (
	"encoding/json"
	"flag"
	"fmt"
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
	// PeakRSSMB is the largest maximum resident set size over the runs.
	PeakRSSMB float64 `json:"peak_rss_mb"`
	// OutputBytes is the size of cidl.json, backend.ts and client.ts together.
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
		fmt.Fprintf(os.Stderr, "compile %5d models: best %7.1f ms, median %7.1f ms, peak RSS %6.1f MB\n", n, s.BestMs, s.MedianMs, s.PeakRSSMB)
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

// measure compiles a schema of n models in a fresh directory runs+1 times,
// discarding the first run (cold page cache, first write of the outputs).
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
	s := Size{Models: n, Bytes: len(text), Runs: runs}
	for i := range runs + 1 {
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
		// On Linux Maxrss is in kilobytes.
		rss := float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024
		s.PeakRSSMB = max(s.PeakRSSMB, rss)
	}
	sorted := slices.Sorted(slices.Values(s.WallMs))
	s.BestMs, s.MedianMs = sorted[0], sorted[len(sorted)/2]
	for _, f := range []string{"cidl.json", "backend.ts", "client.ts"} {
		info, err := os.Stat(filepath.Join(dir, ".cloesce", f))
		if err != nil {
			return Size{}, err
		}
		s.OutputBytes += info.Size()
	}
	return s, nil
}
