package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/racksmith/racksmith/bench/dhcpload"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func printDHCP(w io.Writer, o options, rs []dhcpResult) {
	fmt.Fprintf(w, `
DHCP: %d reservations, %d transactions in flight, %d rounds of one %s window per server
(servers interleaved, each started fresh), BOOTP broadcast flag set; load generator and
server in two namespaces over a veth, sharing this machine's CPUs. "max other": the most
CPU a window lost to unrelated processes (windows over -max-other are re-run twice at most).

`, o.hosts, o.concurrency, o.windows, o.window)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "server\texch/s\toffer p50\toffer p99\tack p50\tack p99\tserver CPU/exch\ttimeouts\tnaks\tmax steal\tmax other\t")
	rates := map[string]float64{}
	cpus := map[string]float64{}
	for _, r := range rs {
		t, cpu, steal, other := r.total()
		rates[r.server] = t.Rate()
		cpus[r.server] = perExchange(cpu, t.Exchanges)
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%s\t%s\t%.1fµs\t%d\t%d\t%.1f%%\t%.0f%%\t\n", r.server, t.Rate(),
			ms(dhcpload.Quantile(t.Offer, .5)), ms(dhcpload.Quantile(t.Offer, .99)),
			ms(dhcpload.Quantile(t.Ack, .5)), ms(dhcpload.Quantile(t.Ack, .99)),
			cpus[r.server], t.Timeouts, t.Naks, steal, other)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nper window (exch/s):")
	for _, r := range rs {
		fmt.Fprintf(w, "  %-10s", r.server)
		for _, win := range r.windows {
			fmt.Fprintf(w, " %8.0f", win.res.Rate())
		}
		fmt.Fprintln(w)
	}
	if rk, ok := rates["racksmith"]; ok {
		fmt.Fprintln(w)
		for _, peer := range []string{"dnsmasq", "kea"} {
			if rp, ok := rates[peer]; ok && rp > 0 && cpus["racksmith"] > 0 {
				fmt.Fprintf(w, "racksmith vs %-8s %5.2fx exchanges/s, %5.2fx less server CPU per exchange (goal >= 2x)\n",
					peer+":", rk/rp, cpus[peer]/cpus["racksmith"])
			}
		}
	}
}

func printHTTP(w io.Writer, o options, rs []httpResult) {
	fmt.Fprintf(w, "\nHTTP: one %d MB file, %d concurrent clients (wrk, %s), over the same veth\n\n", o.fileMB, o.httpConns, o.httpDur)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "server\tMB/s\tfiles/s\terrors\t")
	by := map[string]float64{}
	for _, r := range rs {
		by[r.server] = r.bytesPerSec
		e := r.errors
		if e == "" {
			e = "-"
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%s\t\n", r.server, r.bytesPerSec/1e6, r.reqPerSec, e)
	}
	tw.Flush()
	if by["nginx"] > 0 {
		fmt.Fprintf(w, "\nracksmith vs nginx: %.2fx throughput (goal >= 0.9x)\n", by["racksmith"]/by["nginx"])
	}
}
