package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/iana"

	"github.com/racksmith/racksmith/pxe/dhcp"
	"github.com/racksmith/racksmith/pxe/tftp"
)

// A UEFI HTTP boot client (option 93 = 16) of the lab's fra1 site gets an
// absolute URL from the DHCP server built as `pxe serve` builds it; the
// boot server's HTTP side (default TFTP root, Debian's ipxe package) answers
// that URL's path with the bytes of the iPXE EFI binary, following Debian's
// symlink into /boot. With the UEFI binary set to snponly.efi the URL and
// the bytes follow.
func TestHTTPBootURLServed(t *testing.T) {
	for _, uefi := range []string{"", "snponly.efi"} {
		want := filepath.Join(tftp.DefaultRoot, dhcp.DefaultUEFIFile)
		if uefi != "" {
			want = filepath.Join(tftp.DefaultRoot, uefi)
		}
		resolved, err := filepath.EvalSymlinks(want)
		if err != nil {
			if testing.Short() {
				t.Skipf("Debian ipxe package missing (%v)", err)
			}
			t.Fatalf("Debian ipxe package missing (%v): install ipxe (scripts/apt-packages.txt)", err)
		}
		efi, err := os.ReadFile(resolved)
		if err != nil {
			t.Fatal(err)
		}

		_, site, table := labSite(t, "fra1")
		cfg, err := DHCPConfig(site, table, PacketOptions{UEFIBinary: uefi})
		if err != nil {
			t.Fatal(err)
		}
		h, err := dhcp.NewHandler(cfg, table, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		req, err := dhcpv4.NewDiscovery(table.All()[0].MAC,
			dhcpv4.WithOption(dhcpv4.OptClientArch(iana.EFI_X86_64_HTTP)),
			dhcpv4.WithOption(dhcpv4.OptClassIdentifier("HTTPClient:Arch:00016:UNDI:003001")))
		if err != nil {
			t.Fatal(err)
		}
		offer := h.Handle(context.Background(), req, dhcp.ServerPort)
		if offer == nil {
			t.Fatal("no offer to the HTTP boot client")
		}
		u, err := url.Parse(offer.BootFileName)
		if err != nil || u.Scheme != "http" || u.Host != "10.11.0.2:8080" || offer.ClassIdentifier() != "HTTPClient" {
			t.Fatalf("option-16 boot file %q (option 60 %q), want an http URL at the boot server", offer.BootFileName, offer.ClassIdentifier())
		}

		logs := &logBuf{}
		dir := t.TempDir()
		srv := startConfig(t, Config{BaseURL: site.Network.BootURL, FilesDir: dir,
			StatePath: filepath.Join(dir, "state.db"), UEFIBinary: uefi}, logs)
		resp, err := http.Get(srv.url + u.Path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(body, efi) {
			t.Fatalf("GET %s: %s, %d bytes; want the %d bytes of %s\n%s", u.Path, resp.Status, len(body), len(efi), resolved, logs)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/efi" {
			t.Errorf("GET %s: Content-Type %q, want application/efi", u.Path, ct)
		}
		t.Logf("%s -> %s (%d bytes)", offer.BootFileName, resolved, len(body))
		srv.stop()
	}
}

// /boot-files/ serves only the boot programs, read-only: other names of the
// root (even files), symlinks out of the root that are not boot programs,
// traversal and writes are refused; missing boot programs are 404.
func TestBootFilesRefused(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	efi := bytes.Repeat([]byte("EFI!"), 3000)
	os.WriteFile(filepath.Join(outside, "ipxe.efi"), efi, 0o644)
	os.WriteFile(filepath.Join(outside, "secret"), []byte("SECRET"), 0o644)
	os.WriteFile(filepath.Join(root, "undionly.kpxe"), []byte("bios"), 0o644)
	os.WriteFile(filepath.Join(root, "ipxe.iso"), []byte("iso"), 0o644)
	os.Symlink(filepath.Join(outside, "ipxe.efi"), filepath.Join(root, "ipxe.efi"))
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "other"))
	os.Symlink(filepath.Join(outside, "nothing"), filepath.Join(root, "snponly.efi")) // dangling

	mux := http.NewServeMux()
	newBootFiles(root, dhcp.Files{}, slog.New(slog.DiscardHandler)).register(mux)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	get := func(method, path string) (int, string) { return call(t, method, ts.URL+path, "", "") }
	if code, body := get("GET", "/boot-files/ipxe.efi"); code != 200 || body != string(efi) {
		t.Errorf("ipxe.efi: %d, %d bytes", code, len(body))
	}
	if code, body := get("GET", "/boot-files/undionly.kpxe"); code != 200 || body != "bios" {
		t.Errorf("undionly.kpxe: %d %q", code, body)
	}
	for _, p := range []string{"/boot-files/other", "/boot-files/ipxe.iso", "/boot-files/snponly.efi",
		"/boot-files/..%2fsecret", "/boot-files/%2e%2e", "/boot-files/"} {
		if code, body := get("GET", p); code == 200 || strings.Contains(body, "SECRET") {
			t.Errorf("GET %s: %d %q", p, code, body)
		}
	}
	for _, m := range []string{"PUT", "POST", "DELETE"} {
		if code, _ := get(m, "/boot-files/ipxe.efi"); code != http.StatusMethodNotAllowed {
			t.Errorf("%s: %d, want 405", m, code)
		}
	}
}

func TestUEFIBinaryRefused(t *testing.T) {
	_, site, table := labSite(t, "fra1")
	for _, name := range []string{"../ipxe.efi", "efi/ipxe.efi", "/boot/ipxe.efi"} {
		if _, err := DHCPConfig(site, table, PacketOptions{UEFIBinary: name}); !errors.Is(err, ErrConfig) {
			t.Errorf("DHCPConfig with uefi binary %q: %v", name, err)
		}
		c := Config{BaseURL: "http://x", ListenHTTP: ":0", StatePath: "s", FilesDir: "f", APIToken: apiToken, UEFIBinary: name}
		if err := c.Validate(); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "uefi_binary") {
			t.Errorf("Config with uefi binary %q: %v", name, err)
		}
	}
}
