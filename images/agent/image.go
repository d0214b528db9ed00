package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// fetchImage downloads the OS image into RAM-backed TmpDir and checks its
// sha256 before anything is laid down. It returns the local path.
func (a *Agent) fetchImage(ctx context.Context, img plan.Image) (string, error) {
	if img.URL == "" || img.SHA256 == "" {
		return "", fmt.Errorf("image %q: url and sha256 are required", img.Name)
	}
	path := os.TempDir() + "/racksmith-os-image"
	sum, n, err := a.download(ctx, a.absURL(img.URL), path)
	if err != nil {
		return "", err
	}
	if !strings.EqualFold(sum, img.SHA256) {
		os.Remove(path)
		return "", fmt.Errorf("%w: image %s: got %s, plan says %s", ErrChecksum, img.URL, sum, img.SHA256)
	}
	a.Log.Info("image verified", "url", img.URL, "bytes", n, "sha256", sum)
	return path, nil
}

// absURL resolves a server-relative URL ("/files/...") against racksmith.server.
func (a *Agent) absURL(u string) string {
	if strings.HasPrefix(u, "/") {
		return a.Cfg.Server + u
	}
	return u
}

// downloadTries is how many times a download cut by the server going away
// (a restart) is started again, 2 s, 4 s, 8 s… apart.
const downloadTries = 6

// download writes url to path and returns its sha256 and size. A download
// the server cut or refused with a 5xx is started again from scratch.
func (a *Agent) download(ctx context.Context, url, path string) (string, int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	wait := 2 * time.Second
	for try := 1; ; try++ {
		sum, n, again, err := a.downloadOnce(ctx, url, path)
		if err == nil || !again || try == downloadTries {
			return sum, n, err
		}
		a.Log.Warn("download failed, trying again", "url", url, "try", try, "err", err)
		select {
		case <-ctx.Done():
			return "", 0, err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// downloadOnce is one try of download; again says a new try may succeed.
func (a *Agent) downloadOnce(ctx context.Context, url, path string) (sum string, n int64, again bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", 0, false, fmt.Errorf("download %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", 0, true, fmt.Errorf("download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", 0, resp.StatusCode >= 500, fmt.Errorf("download %s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return "", 0, false, fmt.Errorf("download %s: %w", url, err)
	}
	h := sha256.New()
	n, err = io.Copy(io.MultiWriter(f, h), resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", 0, true, fmt.Errorf("download %s: %w", url, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, false, nil
}
