package inventory

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText prints the report as three readable tables: role placement,
// what-if results and PDU loads.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tWANTED\tHAVE\tQUORUM\tPER SITE\tRACKS\tPDUS\tSINGLE-FEED")
	for _, p := range r.Roles {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", p.Role, p.Wanted, len(p.Servers), dash(p.Quorum),
			counts(p.BySite), spreadOf(p.ByRack), spreadOf(p.ByPDU), counts(p.OnlyFeed))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "IF THIS FAILS\tSERVERS DOWN\tROLE\tLEFT\tRESULT")
	for _, f := range r.WhatIf {
		name := f.Domain + " " + f.Name
		if len(f.Impacts) == 0 {
			fmt.Fprintf(tw, "%s\t%d\t-\t-\tno role affected\n", name, len(f.Down))
			continue
		}
		for i, im := range f.Impacts {
			if i > 0 {
				name = ""
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%s\n", name, ifFirst(i, len(f.Down)), im.Role, im.After, im.Before, verdict(im))
		}
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "PDU\tSITE\tFEED\tCAPACITY\tNORMAL\tFAILOVER\tPARTNER\tSERVERS\tSTATUS")
	for _, l := range r.Power {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d W\t%s\t%s\t%s\t%d\t%s\n", l.PDU, l.Site, l.Feed, l.CapacityW,
			pct(l.NormalW, l.CapacityW), pct(l.FailoverW, l.CapacityW), orDash(l.Partner), l.Servers, l.Status)
	}
	return tw.Flush()
}

func verdict(im Impact) string {
	var parts []string
	switch {
	case im.LostAll && im.Severity == "error":
		parts = append(parts, "SINGLE POINT OF FAILURE")
	case im.LostAll:
		parts = append(parts, "all lost (spread accepts it)")
	case im.BelowQuorum:
		parts = append(parts, fmt.Sprintf("below quorum %d", im.Quorum))
	}
	if im.SiteEmptied != "" {
		parts = append(parts, "none left in "+im.SiteEmptied)
	}
	if im.BelowReplicas && !im.LostAll {
		parts = append(parts, fmt.Sprintf("below %d replicas", im.Wanted))
	}
	if len(parts) == 0 {
		parts = append(parts, "ok")
	}
	return im.Severity + ": " + strings.Join(parts, ", ")
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// spreadOf summarizes a count per domain as "N (max M)".
func spreadOf(m map[string]int) string {
	most := 0
	for _, n := range m {
		most = max(most, n)
	}
	return fmt.Sprintf("%d (max %d)", len(m), most)
}

func pct(w, capacity int) string {
	if capacity <= 0 {
		return fmt.Sprintf("%d W", w)
	}
	return fmt.Sprintf("%d W (%d%%)", w, 100*w/capacity)
}

func dash(n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func ifFirst(i, n int) string {
	if i > 0 {
		return ""
	}
	return fmt.Sprint(n)
}
