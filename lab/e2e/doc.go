// Package e2e holds racksmith's end-to-end test: a two-site lab (one server
// per site, trimmed from stacks/lab) built with real QEMU VMs, ipmi_sim
// BMCs and boot servers in a namespace of its own, driven by the real
// Pulumi engine (bin/pulumi) and provider plugin through `racksmith up`,
// checked from outside the VMs with images/inspect.
package e2e
