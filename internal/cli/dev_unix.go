//go:build unix

package cli

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// setGroup makes cmd the leader of a new process group, so that the
// terminal's Ctrl-C reaches only cloesce, which then stops the group.
func setGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killGroup signals the process group that p leads: SIGTERM, or SIGKILL
// when force is set.
func killGroup(p *os.Process, force bool) {
	sig := syscall.SIGTERM
	if force {
		sig = syscall.SIGKILL
	}
	syscall.Kill(-p.Pid, sig)
}

// addrInUse reports whether err says that an address is taken.
func addrInUse(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE)
}
