package cli

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// An output is a file a command writes: its path and its whole content.
type output struct {
	path string
	data []byte
}

// writeOutputs writes the outputs whose content differs from what is on
// disk, and returns the paths it wrote. A file with the same bytes is not
// touched (its modification time stays), so that watchers such as wrangler
// dev and Vite do not reload for nothing.
//
// Every changed file is first written in full to a temporary file next to
// it; only when all of them are written are they renamed into place, so an
// I/O error leaves every output as it was, and a reader never sees half a
// file.
func writeOutputs(outs []output) ([]string, error) {
	type staged struct{ tmp, path string }
	var todo []staged
	cleanup := func() {
		for _, s := range todo {
			os.Remove(s.tmp)
		}
	}
	for _, o := range outs {
		old, err := os.ReadFile(o.path)
		switch {
		case err == nil && bytes.Equal(old, o.data):
			continue
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			cleanup()
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(o.path), 0o755); err != nil {
			cleanup()
			return nil, err
		}
		tmp, err := stage(o.path, o.data)
		if err != nil {
			cleanup()
			return nil, err
		}
		todo = append(todo, staged{tmp, o.path})
	}
	var written []string
	for i, s := range todo {
		if err := os.Rename(s.tmp, s.path); err != nil {
			todo = todo[i:]
			cleanup()
			return written, err
		}
		written = append(written, s.path)
	}
	return written, nil
}

// writeFileAtomic replaces path with data through a temporary file in the
// same directory, so that an interrupted write never leaves half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := stage(path, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// stage writes data to a new temporary file next to path, with path's
// permissions when it exists (0644 otherwise), and returns its name: a
// rename then puts it in place atomically.
func stage(path string, data []byte) (string, error) {
	mode := os.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return "", err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), mode)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}
