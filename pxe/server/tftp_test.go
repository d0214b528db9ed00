package server

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pin/tftp/v3"

	"github.com/racksmith/racksmith/pxe/dhcp"
)

// The TFTP service pins boot files that are symlinks out of the root (as
// Debian's ipxe.efi is) and still refuses other names leading out.
func TestTFTPServicePinsBootFiles(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	efi := bytes.Repeat([]byte("EFI!"), 3000) // several 512-byte blocks
	os.WriteFile(filepath.Join(outside, "ipxe.efi"), efi, 0o644)
	os.WriteFile(filepath.Join(outside, "secret"), []byte("no"), 0o644)
	os.WriteFile(filepath.Join(root, "undionly.kpxe"), []byte("bios"), 0o644)
	os.Symlink(filepath.Join(outside, "ipxe.efi"), filepath.Join(root, "ipxe.efi"))
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "other"))

	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	svc, err := TFTPService(root, addr, dhcp.Files{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	time.Sleep(100 * time.Millisecond)

	c, err := tftp.NewClient(addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetTimeout(time.Second)
	get := func(name string) ([]byte, error) {
		wt, err := c.Receive(name, "octet")
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		_, err = wt.WriteTo(&b)
		return b.Bytes(), err
	}
	if b, err := get("ipxe.efi"); err != nil || !bytes.Equal(b, efi) {
		t.Fatalf("pinned ipxe.efi: %d bytes, %v", len(b), err)
	}
	if b, err := get("undionly.kpxe"); err != nil || string(b) != "bios" {
		t.Fatalf("undionly.kpxe: %q %v", b, err)
	}
	if b, err := get("other"); err == nil {
		t.Fatalf("symlink out of the root served: %q", b)
	}
	if len(svc.Collectors) == 0 {
		t.Error("no tftp collectors for /metrics")
	}
}
