// Package ipxe is the firmware-facing side of the boot server's HTTP: the
// per-host iPXE script (GET /boot/{mac}.ipxe), decided by the host's state,
// and the installer's kernel, initrd and OS images under /files/.
//
// Rendering a script is a pure function of the boot decision and the
// server's configuration (Script); the handler only asks the store for the
// decision and writes the result.
package ipxe

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"text/template"

	"github.com/racksmith/racksmith/pxe/store"
)

// Config is what every script needs from the server.
type Config struct {
	// BaseURL is the boot server's URL as hosts reach it, e.g.
	// http://10.11.0.2:8080 (no trailing slash).
	BaseURL string
	// Kernel and Initrd are paths under /files/ of the installer.
	Kernel string
	Initrd string
	// ExtraArgs are appended to the installer's kernel command line.
	ExtraArgs []string
}

// withDefaults fills unset fields.
func (c Config) withDefaults() Config {
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.Kernel == "" {
		c.Kernel = "vmlinuz"
	}
	if c.Initrd == "" {
		c.Initrd = "initrd.img"
	}
	return c
}

// unsafeText matches what must not reach an iPXE echo line: iPXE expands
// ${...} and splits on spaces and quotes.
var unsafeText = regexp.MustCompile(`[^A-Za-z0-9 .,:;/_()+=-]`)

func clean(s string) string { return unsafeText.ReplaceAllString(s, "_") }

type scriptData struct {
	Config
	store.Boot
	Name    string
	Mode    string
	Cmdline string
}

var scripts = template.Must(template.New("").Parse(`
{{define "installer"}}#!ipxe
# racksmith: {{.Mode}} {{.Name}}
echo racksmith: {{.Name}} boots the installer, mode {{.Mode}}
kernel {{.BaseURL}}/files/{{.Kernel}} {{.Cmdline}} || goto failed
initrd {{.BaseURL}}/files/{{.Initrd}} || goto failed
boot || goto failed
:failed
echo racksmith: could not load the installer from {{.BaseURL}}/files/
sleep 10
reboot
{{end}}
{{define "local"}}#!ipxe
# racksmith: local {{.Name}}
echo racksmith: {{.Name}} boots from its disk
iseq ${platform} efi && goto efi ||
sanboot --no-describe --drive 0x80 || goto efi
:efi
# a failure: a UEFI boot manager that sees a boot option succeed stops and
# shows its menu (OVMF's UiApp); on a failure it boots the next one, the disk
exit 1
{{end}}
{{define "none"}}#!ipxe
# racksmith: none {{.Name}}
echo racksmith: {{.Name}}: {{.Reason}}
echo racksmith: nothing to boot, powering off
sleep 5
poweroff || exit
{{end}}
`))

// Script renders the iPXE script for one boot decision.
func Script(b store.Boot, c Config) (string, error) {
	c = c.withDefaults()
	d := scriptData{Config: c, Boot: b, Name: b.MAC}
	if b.Hostname != "" {
		d.Name = clean(b.Hostname) + " (" + b.MAC + ")"
	}
	d.Reason = clean(b.Reason)
	name := "installer"
	switch b.Kind {
	case store.BootInstall, store.BootDiscover, store.BootWipe:
		if b.Token == "" {
			return "", fmt.Errorf("render %s script for %s: no token", b.Kind, b.MAC)
		}
		d.Mode = string(b.Kind)
		d.Cmdline = Cmdline(c, b)
	case store.BootLocal:
		name = "local"
	case store.BootNone:
		name = "none"
	default:
		return "", fmt.Errorf("render script for %s: unknown boot kind %q", b.MAC, b.Kind)
	}
	var buf bytes.Buffer
	if err := scripts.ExecuteTemplate(&buf, name, d); err != nil {
		return "", fmt.Errorf("render %s script for %s: %w", name, b.MAC, err)
	}
	return buf.String(), nil
}

// Cmdline is the installer's kernel command line (docs/contracts.md):
// racksmith.server, racksmith.token, racksmith.mode, racksmith.mac, console.
func Cmdline(c Config, b store.Boot) string {
	c = c.withDefaults()
	args := []string{
		"initrd=" + pathBase(c.Initrd),
		"racksmith.server=" + c.BaseURL,
		"racksmith.token=" + b.Token,
		"racksmith.mode=" + string(b.Kind),
		"racksmith.mac=" + b.MAC,
		"console=ttyS0",
	}
	return strings.Join(append(args, c.ExtraArgs...), " ")
}

func pathBase(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}
