package ipxe

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/racksmith/racksmith/pxe/plan"
)

// BenchmarkBootScript measures install-script requests over loopback HTTP
// (each one mints and stores a token: one bbolt transaction with fsync).
func BenchmarkBootScript(b *testing.B) {
	srv, st := newServer(b, false, b.TempDir())
	for i := range 64 {
		st.PutIntent(fmt.Sprintf("52:54:00:00:01:%02x", i), plan.Intent{Mode: plan.ModeInstall, Plan: &plan.Plan{}}, false)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			resp, err := http.Get(fmt.Sprintf("%s/boot/52:54:00:00:01:%02x.ipxe", srv.URL, i%64))
			if err != nil || resp.StatusCode != 200 {
				b.Errorf("%v %v", resp, err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			i++
		}
	})
}

// BenchmarkFiles measures serving a 16 MiB file (an initrd's size) over
// loopback HTTP.
func BenchmarkFiles(b *testing.B) {
	dir := b.TempDir()
	data := make([]byte, 16<<20)
	os.WriteFile(filepath.Join(dir, "initrd.img"), data, 0o644)
	srv, _ := newServer(b, false, dir)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		resp, err := http.Get(srv.URL + "/files/initrd.img")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
