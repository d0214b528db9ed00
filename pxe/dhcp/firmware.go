package dhcp

import (
	"bytes"
	"strings"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/iana"
)

// Firmware is what kind of boot client sent a request.
type Firmware int

// Firmware kinds, from option 93 (client system architecture), option 60
// (vendor class), option 77 (user class) and option 175 (iPXE).
const (
	// FirmwareNone is a client that is not network booting (no option 93):
	// an installed OS or the installer's own DHCP client. It gets an
	// address and no boot file.
	FirmwareNone Firmware = iota
	FirmwareBIOS
	FirmwareUEFI
	FirmwareARM64
	FirmwareHTTPBoot
	// FirmwareIPXE is a client already running iPXE: it gets the per-host
	// HTTP script URL, so it never chain-loads iPXE again.
	FirmwareIPXE
	// FirmwareUnsupported is a network-booting architecture we have no
	// binary for.
	FirmwareUnsupported
)

var firmwareNames = [...]string{"none", "bios", "uefi", "arm64", "httpboot", "ipxe", "unsupported"}

func (f Firmware) String() string {
	if int(f) < len(firmwareNames) {
		return firmwareNames[f]
	}
	return "unknown"
}

// Client is what the handler learnt about the requesting client.
type Client struct {
	Firmware Firmware
	Arch     iana.Arch // first option 93 value; meaningful when HasArch
	HasArch  bool
	// PXE is true when the client sent vendor class "PXEClient…": the
	// reply then carries option 60 "PXEClient" and option 43.
	PXE bool
}

// iPXE's encapsulated option space.
const (
	optIPXE         = 175
	optIPXENoPXEDHC = 176 // no-pxedhcp: do not wait for proxyDHCP offers
)

// Classify tells which firmware sent req. Pure.
func Classify(req *dhcpv4.DHCPv4) Client {
	var c Client
	vc := req.ClassIdentifier()
	c.PXE = strings.HasPrefix(vc, "PXEClient")
	if archs := req.ClientArch(); len(archs) > 0 {
		c.Arch, c.HasArch = archs[0], true
	}
	if isIPXE(req) {
		c.Firmware = FirmwareIPXE
		return c
	}
	if !c.HasArch {
		if strings.HasPrefix(vc, "HTTPClient") {
			c.Firmware = FirmwareHTTPBoot
		}
		return c
	}
	switch c.Arch {
	case iana.INTEL_X86PC:
		c.Firmware = FirmwareBIOS
	case iana.EFI_IA32, iana.EFI_X86_64, iana.EFI_BC:
		c.Firmware = FirmwareUEFI
	case iana.EFI_ARM32, iana.EFI_ARM64:
		c.Firmware = FirmwareARM64
	case iana.EFI_X86_64_HTTP:
		c.Firmware = FirmwareHTTPBoot
	default:
		c.Firmware = FirmwareUnsupported
	}
	return c
}

// isIPXE: option 175 present, or user class (option 77) "iPXE", in either
// the plain form iPXE sends or the RFC 3004 form.
func isIPXE(req *dhcpv4.DHCPv4) bool {
	if req.Options.Has(dhcpv4.GenericOptionCode(optIPXE)) {
		return true
	}
	uc := req.Options.Get(dhcpv4.OptionUserClassInformation)
	if len(uc) == 0 {
		return false
	}
	if bytes.Equal(uc, []byte("iPXE")) {
		return true
	}
	for _, s := range req.UserClass() {
		if s == "iPXE" {
			return true
		}
	}
	return false
}

// Boot is the boot part of a reply.
type Boot struct {
	File        string // file field (and option 67 when asked for)
	VendorClass string // option 60 to send: "PXEClient", "HTTPClient" or ""
}

// bootFor picks the boot file of a client; scriptURL is the per-host iPXE
// script URL. Pure.
func (cfg *Config) bootFor(c Client, scriptURL string) Boot {
	var b Boot
	switch c.Firmware {
	case FirmwareIPXE:
		b.File = scriptURL
	case FirmwareBIOS:
		b.File = cfg.Files.BIOS
	case FirmwareUEFI:
		b.File = cfg.Files.UEFI
	case FirmwareARM64:
		b.File = cfg.Files.ARM64
	case FirmwareHTTPBoot:
		b.File = cfg.Files.HTTPBoot
		b.VendorClass = "HTTPClient"
		return b
	}
	if c.PXE {
		b.VendorClass = "PXEClient"
	}
	return b
}
