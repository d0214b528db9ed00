package program

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules/render"
	"github.com/racksmith/racksmith/sdk/go/racksmith"
)

// serverArgs maps one inventory server (with its site, credential and
// rendered role files) to the Server's inputs; warn says what is missing
// but not fatal (an image not built yet).
func serverArgs(inv *inventory.Inventory, s *inventory.Server, files []render.File, secrets *secretResolver, root string) (args *racksmith.ServerArgs, warn string, err error) {
	site := findSite(inv, s.Site)
	if site == nil {
		return nil, "", fmt.Errorf("%s: server %s: site %q is not declared", s.DeclRange, s.Name, s.Site)
	}
	mac := provisioningMAC(s)
	if mac == "" {
		return nil, "", fmt.Errorf("%s: server %s: no NIC to provision through", s.DeclRange, s.Name)
	}
	cred := findCredential(inv, s.BMC.Credential)
	if cred == nil {
		return nil, "", fmt.Errorf("%s: server %s: bmc.credential %q is not declared", s.BMC.Range, s.Name, s.BMC.Credential)
	}
	password, err := secrets.resolve(cred)
	if err != nil {
		return nil, "", err
	}
	bootURL := strings.TrimRight(site.Network.BootURL, "/")
	img, warn := resolveImage(root, bootURL, s.Image)
	args = &racksmith.ServerArgs{
		Hostname:      pulumi.String(s.Name),
		Site:          pulumi.String(s.Site),
		Mac:           pulumi.String(mac),
		Address:       pulumi.String(s.Address.String()),
		BootServerUrl: pulumi.String(bootURL),
		Bmc: racksmith.BMC{
			Address: s.BMC.Address.String(), Port: s.BMC.Port, Protocol: s.BMC.Protocol,
			Username: cred.Username, Password: password,
		},
		Image:    img,
		Storage:  racksmith.Storage{RaidLevel: s.Storage.RAIDLevel},
		Firmware: s.Firmware,
	}
	// hosts sharing a role take changed role files one at a time
	args.RebootGroups = append([]string(nil), s.Roles...)
	if site.Network.Gateway.IsValid() {
		args.Gateway = site.Network.Gateway.String()
	}
	for _, d := range site.Network.DNS {
		args.Dns = append(args.Dns, d.String())
	}
	for _, n := range s.NICs {
		args.Nics = append(args.Nics, racksmith.NIC{Name: n.Name, Mac: n.MAC, Purpose: n.Purpose})
	}
	disks := map[string]inventory.Disk{}
	for _, d := range s.Disks {
		disks[d.Name] = d
	}
	for _, name := range s.Storage.Disks {
		d := disks[name]
		args.Storage.Disks = append(args.Storage.Disks, racksmith.Disk{Name: name, Serial: d.Serial, Path: d.Path, SizeBytes: d.SizeBytes})
	}
	if e := s.Storage.Encryption; e != nil {
		args.Storage.Encryption = &racksmith.Encryption{Cipher: e.Cipher, Pbkdf: e.PBKDF, PbkdfIter: e.PBKDFIter,
			KeySource: e.KeySource, Tang: e.Tang, TangThumbprints: e.TangThumbprints, Recovery: e.RecoveryEscrow != ""}
	}
	for _, f := range files {
		args.Files = append(args.Files, racksmith.File{Path: f.Path, Mode: int(f.Mode), Content: string(f.Content)})
	}
	return args, warn, nil
}

// provisioningMAC is the MAC of the provisioning NIC, else of the first NIC.
func provisioningMAC(s *inventory.Server) string {
	for _, n := range s.NICs {
		if n.Purpose == "provisioning" {
			return n.MAC
		}
	}
	if len(s.NICs) > 0 {
		return s.NICs[0].MAC
	}
	return ""
}

func findSite(inv *inventory.Inventory, name string) *inventory.Site {
	for _, s := range inv.Sites {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func findCredential(inv *inventory.Inventory, name string) *inventory.Credential {
	for _, c := range inv.Credentials {
		if c.Name == name {
			return c
		}
	}
	return nil
}
