package cli

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// An output is a file a command writes: its path and its whole content,
// the parts one after the other (so that cidl.ts can hold the bytes of
// cidl.json without a copy).
type output struct {
	path  string
	parts [][]byte
}

// newOutput returns the output of the content parts at path.
func newOutput(path string, parts ...[]byte) output { return output{path, parts} }

// size returns the length of the content.
func (o output) size() int64 {
	var n int64
	for _, p := range o.parts {
		n += int64(len(p))
	}
	return n
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
	var all []staged
	for _, o := range outs {
		s, err := stage(o)
		if err != nil {
			discard(all)
			return nil, err
		}
		all = append(all, s)
	}
	return commit(all)
}

// A staged output is ready to be put in place: tmp is a temporary file
// holding its content, or "" when the file on disk already has it.
type staged struct{ tmp, path string }

// stage compares o with its file and, when they differ, writes o's
// content to a new temporary file next to it, with the file's permissions
// when it exists (0644 otherwise), creating the directory if need be.
// Outputs may be staged concurrently.
func stage(o output) (staged, error) {
	mode := os.FileMode(0o644)
	info, err := os.Stat(o.path)
	switch {
	case err == nil:
		mode = info.Mode().Perm()
		same, err := sameContent(o, info)
		if err != nil {
			return staged{}, err
		}
		if same {
			return staged{path: o.path}, nil
		}
	case !errors.Is(err, fs.ErrNotExist):
		return staged{}, err
	}
	if err := os.MkdirAll(filepath.Dir(o.path), 0o755); err != nil {
		return staged{}, err
	}
	tmp, err := writeTemp(o, mode)
	if err != nil {
		return staged{}, err
	}
	return staged{tmp, o.path}, nil
}

// writeTemp writes o's content to a new temporary file next to o.path
// with permissions mode, and returns its name: a rename then puts it in
// place atomically.
func writeTemp(o output, mode os.FileMode) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(o.path), "."+filepath.Base(o.path)+".tmp*")
	if err != nil {
		return "", err
	}
	for _, p := range o.parts {
		if err == nil {
			_, err = tmp.Write(p)
		}
	}
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

// sameContent reports whether the regular file described by info holds
// exactly o's content. A file of another size is not read; one of the
// same size is compared a block at a time.
func sameContent(o output, info fs.FileInfo) (bool, error) {
	if !info.Mode().IsRegular() || info.Size() != o.size() {
		return false, nil
	}
	f, err := os.Open(o.path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for _, p := range o.parts {
		for len(p) > 0 {
			n, err := io.ReadFull(f, buf[:min(len(buf), len(p))])
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return false, nil // shrunk since the Stat
			}
			if err != nil {
				return false, err
			}
			if !bytes.Equal(buf[:n], p[:n]) {
				return false, nil
			}
			p = p[n:]
		}
	}
	n, _ := f.Read(buf[:1])
	return n == 0, nil // and not grown since the Stat
}

// commit renames the staged files into place and returns the paths it
// wrote. After an error it removes the temporary files left.
func commit(all []staged) ([]string, error) {
	var written []string
	for i, s := range all {
		if s.tmp == "" {
			continue
		}
		if err := os.Rename(s.tmp, s.path); err != nil {
			discard(all[i:])
			return written, err
		}
		written = append(written, s.path)
	}
	return written, nil
}

// discard removes the temporary files of staged outputs.
func discard(all []staged) {
	for _, s := range all {
		if s.tmp != "" {
			os.Remove(s.tmp)
		}
	}
}

// writeFileAtomic replaces path with data through a temporary file in the
// same directory, so that an interrupted write never leaves half a file.
// It writes even when the file already holds data.
func writeFileAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := writeTemp(newOutput(path, data), mode)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
