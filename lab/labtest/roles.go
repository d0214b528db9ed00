package labtest

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/racksmith/racksmith/inventory"
)

// fitRoles lowers the replicas and per_site of each role block of the
// inventory folder inv to what its (trimmed) servers carry, so a lab of a
// few servers of a bigger stack still renders: a role kept on one server
// per site wants one per site. A role no kept server carries is left as it
// is (the renderers only look at roles with hosts).
func fitRoles(inv string) error {
	in, diags := inventory.Load(inv)
	if diags.HasErrors() {
		return fmt.Errorf("trimmed stack %s: %s", inv, diags.Error())
	}
	total := map[string]int{}
	perSite := map[string]map[string]int{}
	for _, s := range in.Servers {
		for _, r := range s.Roles {
			total[r]++
			if perSite[r] == nil {
				perSite[r] = map[string]int{}
			}
			perSite[r][s.Site]++
		}
	}
	files, err := filepath.Glob(filepath.Join(inv, "*.hcl"))
	if err != nil {
		return err
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		f, diags := hclwrite.ParseConfig(src, name, hcl.InitialPos)
		if diags.HasErrors() {
			return fmt.Errorf("%s: %s", name, diags.Error())
		}
		changed := false
		for _, b := range f.Body().Blocks() {
			if b.Type() != "role" || len(b.Labels()) != 1 || total[b.Labels()[0]] == 0 {
				continue
			}
			role := b.Labels()[0]
			minSite := 0
			for _, n := range perSite[role] {
				if minSite == 0 || n < minSite {
					minSite = n
				}
			}
			for attr, limit := range map[string]int{"replicas": total[role], "per_site": minSite} {
				r, ok := roleInt(in, role, attr)
				if ok && r > limit {
					b.Body().SetAttributeValue(attr, cty.NumberIntVal(int64(limit)))
					changed = true
				}
			}
		}
		if changed {
			if err := os.WriteFile(name, f.Bytes(), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// roleInt is the loaded value of a role's replicas or per_site.
func roleInt(in *inventory.Inventory, role, attr string) (int, bool) {
	for _, r := range in.Roles {
		if r.Name != role {
			continue
		}
		switch attr {
		case "replicas":
			return r.Replicas, true
		case "per_site":
			return r.PerSite, true
		}
	}
	return 0, false
}
