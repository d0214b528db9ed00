package program

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/racksmith/racksmith/sdk/go/racksmith"
)

// ImageDirEnv names the folder holding built OS images and their .sha256
// files (default images/.build/os under the project root).
const ImageDirEnv = "RACKSMITH_IMAGE_DIR"

// resolveImage maps an inventory image name to what the installer fetches.
// An image defined in images/os/NAME.json is built (make images) into
// images/.build/os/ARTIFACT.tar.gz, ARTIFACT being the definition's
// "name"; the boot server serves images/.build under /files/. The digest
// comes from ARTIFACT.tar.gz.sha256; warn is set when it cannot be read
// (the installer refuses an image without one).
func resolveImage(root, bootURL, image string) (img racksmith.Image, warn string) {
	artifact := image
	if b, err := os.ReadFile(filepath.Join(root, "images", "os", image+".json")); err == nil {
		var def struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(b, &def) == nil && def.Name != "" {
			artifact = def.Name
		}
	}
	img = racksmith.Image{Name: image, Url: strings.TrimRight(bootURL, "/") + "/files/os/" + artifact + ".tar.gz"}
	dir := os.Getenv(ImageDirEnv)
	if dir == "" {
		dir = filepath.Join(root, "images", ".build", "os")
	}
	sumFile := filepath.Join(dir, artifact+".tar.gz.sha256")
	b, err := os.ReadFile(sumFile)
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		img.Sha256 = f[0]
		return img, ""
	}
	return img, fmt.Sprintf("image %s: no digest at %s (run `make images`); the installer will refuse it", image, sumFile)
}
