// Package vmtest holds the installer's QEMU tests: real VMs (TCG) on a tap in
// a bridge inside a network namespace boot images/.build's kernel and
// initramfs against the real boot server (pxe/server, in-process, listening
// in the namespace), install RAID + LUKS2 + the OS + role files, and are then
// checked from outside (mdadm --examine, cryptsetup luksDump, user-space
// AES-XTS decryption, debugfs), booted from their own disks, wiped and
// discovered. They need root, QEMU, mdadm, cryptsetup, e2fsprogs and a
// prior `make images`; without them they fail and say what is missing.
package vmtest
