package inventory

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// minDisks is the fewest disks each RAID level can be built from.
var minDisks = map[int]int{1: 2, 5: 3, 6: 4, 10: 4}

// checkStorage checks each server's storage layout: a RAID level its disks
// can build, disks that exist, and LUKS2 encryption, which is mandatory.
func checkStorage(inv *Inventory) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, s := range inv.Servers {
		st := s.Storage
		if st.Range == (hcl.Range{}) {
			diags = append(diags, errorAt(s.DeclRange, "Server without encryption",
				"server %q: no storage block; every server's disks must be a RAID array under LUKS2 encryption.", s.Name))
			continue
		}
		levelAt := st.Attrs.Of("raid_level", st.Range)
		disksAt := st.Attrs.Of("disks", st.Range)
		disks := make(map[string]bool, len(s.Disks))
		for _, d := range s.Disks {
			disks[d.Name] = true
		}
		used := map[string]bool{}
		for _, name := range st.Disks {
			if !disks[name] {
				diags = append(diags, unknownRef("server "+quote(s.Name)+" storage", "", "disks", name, disksAt, nil))
			}
			if used[name] {
				diags = append(diags, errorAt(disksAt, "Disk listed twice", "server %q storage: disk %q is listed twice in \"disks\".", s.Name, name))
			}
			used[name] = true
		}
		need, ok := minDisks[st.RAIDLevel]
		n := len(st.Disks)
		switch {
		case !ok:
			diags = append(diags, errorAt(levelAt, "Invalid RAID level",
				"server %q storage: \"raid_level\" must be 1, 5, 6 or 10, not %d.", s.Name, st.RAIDLevel))
		case n < need:
			diags = append(diags, errorAt(levelAt, "RAID level impossible for the disk count",
				"server %q storage: RAID %d needs at least %d disks, \"disks\" lists %d.", s.Name, st.RAIDLevel, need, n))
		case st.RAIDLevel == 10 && n%2 != 0:
			diags = append(diags, errorAt(levelAt, "RAID level impossible for the disk count",
				"server %q storage: RAID 10 needs an even number of disks, \"disks\" lists %d.", s.Name, n))
		}
		diags = append(diags, checkEncryption(s, st)...)
	}
	return diags
}

func checkEncryption(s *Server, st Storage) hcl.Diagnostics {
	e := st.Encryption
	if e == nil {
		return hcl.Diagnostics{errorAt(st.Range, "Server without encryption",
			"server %q storage: add an encryption block (type = \"luks2\"); racksmith installs no unencrypted disks.", s.Name)}
	}
	var diags hcl.Diagnostics
	at := func(f string) hcl.Range { return e.Attrs.Of(f, e.Range) }
	if e.Type != "luks2" {
		diags = append(diags, errorAt(at("type"), "Invalid encryption type", "server %q encryption: \"type\" must be \"luks2\", not %q.", s.Name, e.Type))
	}
	switch e.PBKDF {
	case "argon2id", "argon2i":
		if e.PBKDFIter != 0 {
			diags = append(diags, warningAt(at("pbkdf_iterations"), "Iterations ignored",
				"server %q encryption: \"pbkdf_iterations\" only applies to pbkdf = \"pbkdf2\".", s.Name))
		}
	case "pbkdf2":
		if e.PBKDFIter < 0 {
			diags = append(diags, errorAt(at("pbkdf_iterations"), "Invalid iterations", "server %q encryption: \"pbkdf_iterations\" must not be negative.", s.Name))
		}
	default:
		diags = append(diags, errorAt(at("pbkdf"), "Invalid key derivation",
			"server %q encryption: \"pbkdf\" must be \"argon2id\", \"argon2i\" or \"pbkdf2\", not %q.", s.Name, e.PBKDF))
	}
	switch e.KeySource {
	case "bootserver":
	case "tang":
		if len(e.Tang) == 0 {
			diags = append(diags, errorAt(at("key_source"), "Missing Tang servers",
				"server %q encryption: key_source = \"tang\" needs \"tang\" = [URL, …].", s.Name))
		}
		for _, u := range e.Tang {
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				diags = append(diags, errorAt(at("tang"), "Invalid Tang server",
					"server %q encryption: Tang server %q is not an http(s) URL.", s.Name, u))
			}
		}
		if n := len(e.TangThumbprints); n > 0 && n != len(e.Tang) {
			diags = append(diags, errorAt(at("tang_thumbprints"), "Tang thumbprints do not pair with the servers",
				"server %q encryption: \"tang_thumbprints\" has %d entries for %d Tang servers (one per URL, same order, or none).",
				s.Name, n, len(e.Tang)))
		}
		for _, thp := range e.TangThumbprints {
			if thp == "" || strings.Trim(thp, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
				diags = append(diags, errorAt(at("tang_thumbprints"), "Invalid Tang thumbprint",
					"server %q encryption: thumbprint %q is not base64url (tang-show-keys prints them).", s.Name, thp))
			}
		}
	default:
		if len(e.TangThumbprints) > 0 {
			diags = append(diags, warningAt(at("tang_thumbprints"), "Thumbprints ignored",
				"server %q encryption: \"tang_thumbprints\" only applies to key_source = \"tang\".", s.Name))
		}
		diags = append(diags, errorAt(at("key_source"), "Invalid key source",
			"server %q encryption: \"key_source\" must be \"bootserver\" or \"tang\", not %q.", s.Name, e.KeySource))
	}
	switch e.RecoveryEscrow {
	case "", "pulumi":
	default:
		diags = append(diags, errorAt(at("recovery_escrow"), "Invalid recovery escrow",
			"server %q encryption: \"recovery_escrow\" must be \"pulumi\" (the provider generates a recovery passphrase "+
				"for a second keyslot and keeps it only as the secret output recoveryKey of the stack) or unset, not %q.",
			s.Name, e.RecoveryEscrow))
	}
	return diags
}
