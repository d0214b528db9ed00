package dhcp

import (
	"encoding/binary"
	"hash/fnv"
	"net"
	"net/netip"
	"sync"
	"time"
)

// pool hands out short leases to unknown MACs. The address a MAC gets is a
// hash of the MAC into the range, probing forward past addresses held by
// others, so two servers seeing the same clients give the same answers.
type pool struct {
	cfg   Pool
	start uint32
	size  uint32
	now   func() time.Time

	mu     sync.Mutex
	byMAC  map[string]uint32    // mac -> offset
	leases map[uint32]poolLease // offset -> lease
}

type poolLease struct {
	mac     string // empty: declined address, held until expiry
	expires time.Time
}

func poolSize(start, end netip.Addr) uint32 {
	return ip4(end) - ip4(start) + 1
}

func ip4(a netip.Addr) uint32 { b := a.As4(); return binary.BigEndian.Uint32(b[:]) }

func addr4(v uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

func newPool(cfg Pool, now func() time.Time) *pool {
	return &pool{
		cfg: cfg, start: ip4(cfg.Start), size: poolSize(cfg.Start, cfg.End), now: now,
		byMAC: map[string]uint32{}, leases: map[uint32]poolLease{},
	}
}

// offer returns mac's address, taking one if it holds none. The lease runs
// for the pool's lease time from now.
func (p *pool) offer(mac net.HardwareAddr) (netip.Addr, error) {
	key := mac.String()
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if off, ok := p.byMAC[key]; ok {
		p.leases[off] = poolLease{mac: key, expires: now.Add(p.cfg.LeaseTime)}
		return addr4(p.start + off), nil
	}
	h := fnv.New32a()
	h.Write(mac)
	first := h.Sum32() % p.size
	for i := uint32(0); i < p.size; i++ {
		off := (first + i) % p.size
		l, taken := p.leases[off]
		if taken && now.Before(l.expires) {
			continue
		}
		if taken && l.mac != "" {
			delete(p.byMAC, l.mac)
		}
		p.leases[off] = poolLease{mac: key, expires: now.Add(p.cfg.LeaseTime)}
		p.byMAC[key] = off
		return addr4(p.start + off), nil
	}
	return netip.Addr{}, ErrPoolExhausted
}

// holds reports whether mac currently holds addr.
func (p *pool) holds(mac net.HardwareAddr, addr netip.Addr) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	off, ok := p.byMAC[mac.String()]
	return ok && addr4(p.start+off) == addr && p.now().Before(p.leases[off].expires)
}

// release frees mac's lease; decline also keeps the address out of use for
// a lease time (another host answers ARP for it).
func (p *pool) release(mac net.HardwareAddr, decline bool) {
	key := mac.String()
	p.mu.Lock()
	defer p.mu.Unlock()
	off, ok := p.byMAC[key]
	if !ok {
		return
	}
	delete(p.byMAC, key)
	if decline {
		p.leases[off] = poolLease{expires: p.now().Add(p.cfg.LeaseTime)}
		return
	}
	delete(p.leases, off)
}
