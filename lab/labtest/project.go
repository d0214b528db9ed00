package labtest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// NewProject writes a racksmith project into dir for stack name: its
// Pulumi.yaml, stacks/Pulumi.<name>.yaml pointing at the inventory, and the
// inventory, a copy of the *.hcl files of src keeping only the server
// blocks named in servers (all when empty), with the roles' replicas and
// per_site lowered to what the kept servers carry. It returns the inventory's
// absolute folder. The state of `racksmith up --dir dir` then lives under
// dir/stacks/<name>/.pulumi.
func NewProject(dir, name, src string, servers []string) (string, error) {
	inv := filepath.Join(dir, "stacks", name)
	if err := os.MkdirAll(inv, 0o755); err != nil {
		return "", err
	}
	files, err := filepath.Glob(filepath.Join(src, "*.hcl"))
	if err != nil {
		return "", err
	}
	if len(files) == 0 {
		return "", fmt.Errorf("stack %s: no *.hcl files", src)
	}
	kept := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		out, names, err := keepServers(f, b, servers)
		if err != nil {
			return "", err
		}
		for _, n := range names {
			kept[n] = true
		}
		if err := os.WriteFile(filepath.Join(inv, filepath.Base(f)), out, 0o644); err != nil {
			return "", err
		}
	}
	for _, s := range servers {
		if !kept[s] {
			return "", fmt.Errorf("stack %s: no server %q", src, s)
		}
	}
	if len(servers) > 0 {
		if err := fitRoles(inv); err != nil {
			return "", err
		}
	}
	project := "name: racksmith\nruntime: go\nstackConfigDir: stacks\n"
	settings := fmt.Sprintf("config:\n  racksmith:inventory: stacks/%s\n", name)
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(project), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "stacks", "Pulumi."+name+".yaml"), []byte(settings), 0o644); err != nil {
		return "", err
	}
	return inv, nil
}

// keepServers drops the server blocks of one HCL file not named in keep
// (none dropped when keep is empty) and returns the kept servers' names.
func keepServers(name string, src []byte, keep []string) ([]byte, []string, error) {
	f, diags := hclwrite.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, nil, fmt.Errorf("%s: %s", name, diags.Error())
	}
	var kept []string
	body := f.Body()
	for _, b := range body.Blocks() {
		if b.Type() != "server" || len(b.Labels()) != 1 {
			continue
		}
		n := b.Labels()[0]
		if len(keep) == 0 || slices.Contains(keep, n) {
			kept = append(kept, n)
			continue
		}
		body.RemoveBlock(b)
	}
	return []byte(strings.TrimRight(string(f.Bytes()), "\n") + "\n"), kept, nil
}
