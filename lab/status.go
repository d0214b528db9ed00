package lab

import (
	"context"
	"path/filepath"
	"time"
)

// HostStatus is one host as `lab status` shows it.
type HostStatus struct {
	Name    string `json:"name"`
	Site    string `json:"site"`
	MAC     string `json:"mac"`
	BMC     string `json:"bmc,omitempty"`
	Power   string `json:"power"` // from the BMC: on, off, or "?" with Error
	Error   string `json:"error,omitempty"`
	VMPid   int    `json:"vm_pid,omitempty"`
	BMCPid  int    `json:"bmc_pid,omitempty"`
	Unknown bool   `json:"unknown,omitempty"`
}

// BootServerStatus is one site's boot server.
type BootServerStatus struct {
	Site string `json:"site"`
	URL  string `json:"url"`
	Pid  int    `json:"pid,omitempty"`
}

// Status is the running lab.
type Status struct {
	Namespace   string             `json:"namespace"`
	Up          bool               `json:"up"`
	Hosts       []HostStatus       `json:"hosts"`
	BootServers []BootServerStatus `json:"boot_servers"`
}

// Status reports every host's power as its BMC tells it, its VM and BMC
// pids, and the boot servers' pids.
func (l *Lab) Status(ctx context.Context) (*Status, error) {
	st := &Status{Namespace: l.cfg.Namespace, Up: namespaceExists(l.cfg.Namespace)}
	lay, err := l.LoadLayout()
	if err != nil {
		return st, err
	}
	password, err := Password(l.cfg.RunDir)
	if err != nil {
		return st, err
	}
	for i := range lay.Hosts {
		h := &lay.Hosts[i]
		dir := l.hostDir(h.Name)
		hs := HostStatus{
			Name: h.Name, Site: h.Site, MAC: h.MAC, Unknown: h.Unknown,
			VMPid:  livePid(filepath.Join(dir, fileQEMUPid), filepath.Join(dir, fileQEMUPid)),
			BMCPid: livePid(filepath.Join(dir, fileSimPid), dir+"/"),
		}
		switch {
		case h.Unknown:
			hs.Power = "off"
			if hs.VMPid != 0 {
				hs.Power = "on"
			}
		case !st.Up:
			hs.Power = "?"
		default:
			hs.BMC = h.BMC.String()
			p, err := l.BMC(h, password, 3*time.Second).PowerState(ctx)
			hs.Power = string(p)
			if err != nil {
				hs.Power, hs.Error = "?", err.Error()
			}
		}
		st.Hosts = append(st.Hosts, hs)
	}
	for i := range lay.BootServers {
		bs := &lay.BootServers[i]
		st.BootServers = append(st.BootServers, BootServerStatus{
			Site: bs.Site, URL: bs.URL,
			Pid: livePid(filepath.Join(l.bootServerDir(bs.Site), "pid"), bootServerMarker(bs)),
		})
	}
	return st, nil
}
