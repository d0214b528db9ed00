package dhcp

import (
	"net"
	"net/netip"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// pxeVendorOptions is option 43 for "PXEClient" replies: sub-option 6
// (PXE_DISCOVERY_CONTROL) = 8, "boot the file named in this packet, no
// menu, no boot server discovery". OVMF rejects PXEClient offers without it.
var pxeVendorOptions = []byte{6, 1, 8, 255}

// ipxeNoProxyDHCP is option 175 with encapsulated 176 (no-pxedhcp) = 1, so
// iPXE does not wait ~3 s for proxyDHCP offers.
var ipxeNoProxyDHCP = []byte{optIPXENoPXEDHC, 1, 1}

// build returns a reply of type mt to req. l is nil in proxy mode (no
// address); script is the client's iPXE script URL. Pure.
func (h *Handler) build(req *dhcpv4.DHCPv4, mt dhcpv4.MessageType, l *lease, c Client, script string) *dhcpv4.DHCPv4 {
	resp := &dhcpv4.DHCPv4{
		OpCode:        dhcpv4.OpcodeBootReply,
		HWType:        req.HWType,
		TransactionID: req.TransactionID,
		Flags:         req.Flags,
		ClientHWAddr:  req.ClientHWAddr,
		ClientIPAddr:  net.IPv4zero,
		YourIPAddr:    net.IPv4zero,
		ServerIPAddr:  net.IPv4zero,
		GatewayIPAddr: req.GatewayIPAddr,
		Options:       make(dhcpv4.Options, 16), // room for every option we set
	}
	if mt == dhcpv4.MessageTypeAck || h.cfg.Mode == ModeProxy {
		resp.ClientIPAddr = req.ClientIPAddr
	}
	resp.UpdateOption(dhcpv4.OptMessageType(mt))
	resp.UpdateOption(dhcpv4.OptServerIdentifier(h.cfg.ServerIP.AsSlice()))
	for _, code := range []dhcpv4.OptionCode{dhcpv4.OptionRelayAgentInformation, dhcpv4.OptionClientIdentifier} {
		if v := req.Options.Get(code); v != nil {
			resp.UpdateOption(dhcpv4.OptGeneric(code, v))
		}
	}
	if l != nil {
		if l.addr.IsValid() {
			resp.YourIPAddr = l.addr.AsSlice()
			resp.UpdateOption(dhcpv4.OptIPAddressLeaseTime(l.duration))
			resp.UpdateOption(dhcpv4.OptRenewTimeValue(l.duration / 2))
			resp.UpdateOption(dhcpv4.OptRebindingTimeValue(l.duration * 7 / 8))
		}
		resp.UpdateOption(dhcpv4.OptSubnetMask(net.CIDRMask(l.prefixLen, 32)))
		if l.router.IsValid() {
			resp.UpdateOption(dhcpv4.OptRouter(l.router.AsSlice()))
		}
		if len(l.dns) > 0 {
			resp.UpdateOption(dhcpv4.OptDNS(ips(l.dns)...))
		}
		if l.hostname != "" {
			resp.UpdateOption(dhcpv4.OptHostName(l.hostname))
		}
	}
	boot := h.cfg.bootFor(c, script)
	if boot.File != "" {
		resp.ServerIPAddr = h.cfg.ServerIP.AsSlice()
		if len(boot.File) <= 127 {
			resp.BootFileName = boot.File
		}
		if len(boot.File) > 127 || req.IsOptionRequested(dhcpv4.OptionBootfileName) {
			resp.UpdateOption(dhcpv4.OptBootFileName(boot.File))
		}
	}
	if boot.VendorClass != "" {
		resp.UpdateOption(dhcpv4.OptClassIdentifier(boot.VendorClass))
	}
	if boot.VendorClass == "PXEClient" {
		resp.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionVendorSpecificInformation, pxeVendorOptions))
	}
	if c.PXE || c.Firmware == FirmwareIPXE {
		resp.UpdateOption(dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(optIPXE), ipxeNoProxyDHCP))
	}
	if h.cfg.Mode == ModeProxy {
		// PXE spec: the client machine identifier (GUID) is echoed.
		if v := req.Options.Get(dhcpv4.OptionClientMachineIdentifier); v != nil {
			resp.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionClientMachineIdentifier, v))
		}
	}
	return resp
}

// nak refuses a request; the client restarts from DISCOVER.
func (h *Handler) nak(req *dhcpv4.DHCPv4, msg string) *dhcpv4.DHCPv4 {
	resp := &dhcpv4.DHCPv4{
		OpCode:        dhcpv4.OpcodeBootReply,
		HWType:        req.HWType,
		TransactionID: req.TransactionID,
		Flags:         req.Flags,
		ClientHWAddr:  req.ClientHWAddr,
		ClientIPAddr:  net.IPv4zero,
		YourIPAddr:    net.IPv4zero,
		ServerIPAddr:  net.IPv4zero,
		GatewayIPAddr: req.GatewayIPAddr,
		Options:       dhcpv4.Options{},
	}
	if resp.GatewayIPAddr != nil && !resp.GatewayIPAddr.IsUnspecified() {
		// RFC 2131 4.3.2: a NAK through a relay has the broadcast bit set.
		resp.SetBroadcast()
	}
	resp.UpdateOption(dhcpv4.OptMessageType(dhcpv4.MessageTypeNak))
	resp.UpdateOption(dhcpv4.OptServerIdentifier(h.cfg.ServerIP.AsSlice()))
	resp.UpdateOption(dhcpv4.OptMessage(msg))
	return resp
}

func ips(as []netip.Addr) []net.IP {
	out := make([]net.IP, len(as))
	for i, a := range as {
		out[i] = a.AsSlice()
	}
	return out
}
