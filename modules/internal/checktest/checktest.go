// Package checktest is what the role renderers' tests share: golden files
// under testdata/ (rewritten with -update), locating the real daemons'
// config checkers (failing with the Debian package to install when one is
// missing), writing rendered files into a scratch root and self-signed
// certificates for checkers that load them.
package checktest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/modules/render"
)

// Update rewrites golden files instead of comparing with them.
var Update = flag.Bool("update", false, "rewrite golden files in testdata/")

// Golden compares every host's rendered files with testdata/golden/<host>/<path>
// (and that no golden file is left over), or rewrites them with -update.
func Golden(t *testing.T, files render.HostFiles) {
	t.Helper()
	root := filepath.Join("testdata", "golden")
	want := map[string][]byte{}
	for host, fs := range files {
		for _, f := range fs {
			want[filepath.Join(root, host, filepath.FromSlash(f.Path))] = f.Content
		}
	}
	if *Update {
		if err := os.RemoveAll(root); err != nil {
			t.Fatal(err)
		}
		for p, c := range want {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, c, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		seen[p] = true
		if _, ok := want[p]; !ok {
			t.Errorf("golden %s is no longer rendered (run go test -update)", p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("golden files: %v (run go test -update)", err)
	}
	for p, c := range want {
		if !seen[p] {
			t.Errorf("rendered %s has no golden file (run go test -update)", p)
			continue
		}
		g, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(g, c) {
			t.Errorf("%s differs from its golden file (run go test -update after checking):\n%s", p, firstDiff(string(g), string(c)))
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n  golden:   " + x + "\n  rendered: " + y
		}
	}
	return "(same lines, different bytes)"
}

// Need returns the path of a checker binary, failing the test with the
// Debian package that provides it when it is missing.
func Need(t *testing.T, bin, pkg string) string {
	t.Helper()
	if p, err := exec.LookPath(bin); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin"} {
		p := filepath.Join(dir, bin)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatalf("%s is not installed: the role checker tests need it (apt-get install %s, or make setup)", bin, pkg)
	return ""
}

// Run runs a checker and fails the test with its output when it exits
// non-zero. It returns the combined output.
func Run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Fails runs a checker and returns its output, failing the test when it
// exits zero: for inputs that must be refused.
func Fails(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err == nil {
		t.Fatalf("%s %s accepted a broken input:\n%s", name, strings.Join(args, " "), out)
	}
	return string(out)
}

// Write writes f under root (root + f.Path), with rewrite applied to its
// content, and returns the written path.
func Write(t *testing.T, root string, f render.File, rewrite *strings.Replacer) string {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(f.Path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	c := string(f.Content)
	if rewrite != nil {
		c = rewrite.Replace(c)
	}
	if err := os.WriteFile(p, []byte(c), os.FileMode(f.Mode)); err != nil {
		t.Fatal(err)
	}
	return p
}

// Find returns host's file at path, failing the test when it is missing.
func Find(t *testing.T, files render.HostFiles, host, path string) render.File {
	t.Helper()
	for _, f := range files[host] {
		if f.Path == path {
			return f
		}
	}
	t.Fatalf("%s: no rendered %s", host, path)
	return render.File{}
}

// SelfSigned writes a fresh self-signed certificate and key (PEM) for name.
func SelfSigned(t *testing.T, certPath, keyPath, name string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	for p, b := range map[string]*pem.Block{certPath: {Type: "CERTIFICATE", Bytes: der}, keyPath: {Type: "EC PRIVATE KEY", Bytes: kder}} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, pem.EncodeToMemory(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
