package server

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/racksmith/racksmith/pxe/dhcp"
	"github.com/racksmith/racksmith/pxe/tftp"
)

// snponlyFile is the other UEFI binary of Debian's ipxe package: iPXE
// driving the NIC through the firmware's own SNP driver.
const snponlyFile = "snponly.efi"

// bootFileNames are the boot programs of the TFTP root handed to firmware:
// Debian's three, and those files names.
func bootFileNames(files dhcp.Files) []string {
	names := []string{dhcp.DefaultBIOSFile, dhcp.DefaultUEFIFile, snponlyFile}
	for _, n := range []string{files.BIOS, files.UEFI, files.ARM64} {
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// pinBootFiles maps those of names that are symlinks in root to the
// absolute paths they lead to: Debian's /usr/lib/ipxe/ipxe.efi links to
// /boot/ipxe.efi, out of the root, which os.Root refuses. Only these
// names are followed out of the root; names that are missing, or not
// symlinks, are left to os.Root.
func pinBootFiles(root string, names []string) map[string]string {
	pinned := map[string]string{}
	for _, name := range names {
		p := filepath.Join(root, name)
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			if target, err := filepath.EvalSymlinks(p); err == nil {
				if abs, err := filepath.Abs(target); err == nil {
					pinned[name] = abs
				}
			}
		}
	}
	return pinned
}

// checkBootFileName refuses a boot program name that is not one plain file
// name of the TFTP root (it is also one path element under /boot-files/).
func checkBootFileName(field, name string) error {
	if name == "" {
		return nil
	}
	if _, err := tftp.Resolve(name); err != nil || strings.Contains(name, "/") {
		return fmt.Errorf("%w: %s: %q is not a plain file name of the TFTP root", ErrConfig, field, name)
	}
	return nil
}

// bootFiles serves the TFTP root's boot programs read-only under
// GET /boot-files/{name} (dhcp.BootFilesPath), for UEFI HTTP boot clients
// (option 93 = 16). Only the names of bootFileNames are served; those that
// are symlinks are followed deliberately (pinBootFiles, resolved once),
// every other one is opened through os.Root, so nothing else of the root
// or of the machine is reachable.
type bootFiles struct {
	root   string
	names  []string
	pinned map[string]string
	log    *slog.Logger
}

func newBootFiles(root string, files dhcp.Files, log *slog.Logger) *bootFiles {
	if root == "" {
		root = tftp.DefaultRoot
	}
	uefi := files.UEFI
	if uefi == "" {
		uefi = dhcp.DefaultUEFIFile
	}
	if _, err := os.Stat(filepath.Join(root, uefi)); err != nil {
		log.Warn("boot files: the UEFI iPXE binary is missing: UEFI clients will not boot", "root", root, "err", err)
	}
	names := bootFileNames(files)
	return &bootFiles{root: root, names: names, pinned: pinBootFiles(root, names), log: log}
}

func (b *bootFiles) register(mux *http.ServeMux) {
	mux.Handle("GET "+dhcp.BootFilesPath+"{name}", b)
}

func (b *bootFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	log := b.log.With("remote", r.RemoteAddr, "file", name)
	if !slices.Contains(b.names, name) {
		log.Warn("boot files: not a boot program", "served", b.names)
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	f, err := b.open(name)
	if err != nil {
		status := http.StatusNotFound
		if !errors.Is(err, fs.ErrNotExist) {
			status = http.StatusForbidden // e.g. an unpinned symlink out of the root
		}
		log.Warn("boot files: open", "status", status, "root", b.root, "err", err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		log.Warn("boot files: not a regular file")
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	log.Info("boot files: serve", "size", fi.Size())
	if strings.HasSuffix(name, ".efi") {
		w.Header().Set("Content-Type", "application/efi") // what UEFI HTTP boot looks for
	}
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

func (b *bootFiles) open(name string) (*os.File, error) {
	if p, ok := b.pinned[name]; ok {
		return os.Open(p)
	}
	root, err := os.OpenRoot(b.root)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return root.Open(name)
}
