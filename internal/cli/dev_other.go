//go:build !unix

package cli

import (
	"os"
	"os/exec"
	"strings"
)

// setGroup does nothing where there are no process groups.
func setGroup(*exec.Cmd) {}

// killGroup kills p itself where there are no process groups to signal.
func killGroup(p *os.Process, _ bool) {
	p.Kill()
}

// addrInUse reports whether err says that an address is taken; without
// errno values to compare, by its text.
func addrInUse(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "address already in use") ||
		strings.Contains(strings.ToLower(err.Error()), "only one usage of each socket address")
}
