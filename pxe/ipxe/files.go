package ipxe

import (
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
)

// Files serves the regular files of Dir under /files/{path...} with Range
// support (http.ServeContent). Access goes through os.Root, so neither
// "..", absolute paths nor symlinks can escape Dir; directories are not
// listed.
type Files struct {
	Dir string
	Log *slog.Logger
}

func (f *Files) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("path")
	log := f.Log.With("remote", r.RemoteAddr, "file", name)
	if !fs.ValidPath(name) || name == "." {
		log.Warn("files: path refused")
		http.Error(w, "invalid file path", http.StatusBadRequest)
		return
	}
	root, err := os.OpenRoot(f.Dir)
	if err != nil {
		log.Error("files: open directory", "dir", f.Dir, "err", err)
		http.Error(w, "files unavailable", http.StatusServiceUnavailable)
		return
	}
	defer root.Close()
	file, err := root.Open(name)
	if err != nil {
		status, msg := http.StatusNotFound, "not found"
		if !errors.Is(err, fs.ErrNotExist) {
			// os.Root reports escapes (symlinks out of Dir) as errors of
			// their own: refuse them like a traversal.
			status, msg = http.StatusForbidden, "forbidden"
		}
		log.Warn("files: open", "status", status, "err", err)
		http.Error(w, msg, status)
		return
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		log.Warn("files: not a regular file")
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	log.Debug("files: serve", "size", fi.Size(), "range", r.Header.Get("Range"))
	http.ServeContent(w, r, fi.Name(), fi.ModTime(), file)
}
