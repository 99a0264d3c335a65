//go:build !unix

package cli

import (
	"os"
	"os/exec"
)

// setGroup does nothing where there are no process groups.
func setGroup(*exec.Cmd) {}

// killGroup kills p itself where there are no process groups to signal.
func killGroup(p *os.Process, _ bool) {
	p.Kill()
}
