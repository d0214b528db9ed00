package monitor

import (
	"fmt"

	"github.com/racksmith/racksmith/modules/render"
)

type ruleFile struct {
	Groups []ruleGroup `yaml:"groups"`
}

type ruleGroup struct {
	Name  string `yaml:"name"`
	Rules []rule `yaml:"rules"`
}

type rule struct {
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for,omitempty"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// PDUThreshold is the share of a PDU's failover budget that raises an alert.
const PDUThreshold = 0.8

func alert(name, expr, forDur, severity, summary string) rule {
	return rule{Alert: name, Expr: expr, For: forDur,
		Labels: map[string]string{"severity": severity}, Annotations: map[string]string{"summary": summary}}
}

// rules are the alert rules every monitor evaluates.
func rules(t *render.Topology) ruleFile {
	hosts := ruleGroup{Name: "racksmith-hosts", Rules: []rule{
		alert("HostDown", `up{job="node"} == 0`, "2m", "critical", "{{ $labels.instance }} in {{ $labels.site }} is down"),
		alert("ExporterDown", `up{job=~"haproxy|nginx|postfix|mysqld|knot"} == 0`, "5m", "warning", "{{ $labels.job }} exporter on {{ $labels.instance }} is down"),
		alert("MonitorDown", `up{job="prometheus"} == 0`, "5m", "critical", "monitor {{ $labels.instance }} in {{ $labels.site }} is down"),
		alert("BootServerDown", `up{job="racksmith"} == 0`, "10m", "warning", "boot server of {{ $labels.site }} is down"),
		alert("PDUFailoverBudget", fmt.Sprintf(`racksmith_pdu_failover_load_ratio > %g`, PDUThreshold), "5m", "critical",
			"PDU {{ $labels.pdu }} would carry {{ $value | humanizePercentage }} of its capacity if its partner feed failed"),
	}}
	roles := ruleGroup{Name: "racksmith-roles"}
	for _, role := range render.Roles {
		hs := t.With(role, "")
		if len(hs) == 0 {
			continue
		}
		want := len(hs)
		perSite := 0
		if r := t.Role(role); r != nil {
			if r.Replicas > 0 {
				want = r.Replicas
			}
			perSite = r.PerSite
		}
		up := fmt.Sprintf(`up{job="node",%s="true"`, RoleLabel(role))
		total := alert("RoleBelowReplicas",
			fmt.Sprintf(`(count(%s} == 1) or vector(0)) < %d`, up, want), "2m", "critical",
			fmt.Sprintf("role %s has {{ $value }} hosts up, wants %d", role, want))
		total.Labels["role"] = role
		roles.Rules = append(roles.Rules, total)
		if perSite == 0 {
			continue
		}
		for _, site := range t.SitesOf(role) {
			in := alert("RoleBelowReplicasInSite",
				fmt.Sprintf(`(count(%s,site=%q} == 1) or vector(0)) < %d`, up, site, perSite), "2m", "critical",
				fmt.Sprintf("role %s has {{ $value }} hosts up in %s, wants %d", role, site, perSite))
			in.Labels["role"], in.Labels["site"] = role, site
			roles.Rules = append(roles.Rules, in)
		}
	}
	mail := ruleGroup{Name: "racksmith-mail", Rules: []rule{
		alert("MailQueueGrowing",
			`sum by (instance, site) (postfix_showq_message_age_seconds_count) > 100 and sum by (instance, site) (delta(postfix_showq_message_age_seconds_count[30m])) > 0`,
			"30m", "warning", "mail queue on {{ $labels.instance }} holds {{ $value }} messages and keeps growing: is the mail store reachable?"),
	}}
	dbs := ruleGroup{Name: "racksmith-database", Rules: []rule{
		alert("DBClusterNotPrimary", `mysql_global_status_wsrep_cluster_status != 1`, "1m", "critical",
			"{{ $labels.instance }} is not in the Primary component of {{ $labels.cluster }}: no quorum, not writable"),
	}}
	for _, c := range []struct {
		name  string
		nodes []*render.Host
	}{{"racksmith-" + t.PrimarySite, t.With(render.RoleDB, "")}, {"", t.With(render.RoleDBReplica, "")}} {
		if len(c.nodes) == 0 {
			continue
		}
		if c.name == "" {
			c.name = "racksmith-" + c.nodes[0].Site
		}
		quorum := len(c.nodes)/2 + 1
		dbs.Rules = append(dbs.Rules, alert("DBClusterBelowQuorum",
			fmt.Sprintf(`min(mysql_global_status_wsrep_cluster_size{cluster=%q}) < %d`, c.name, quorum), "1m", "critical",
			fmt.Sprintf("%s sees {{ $value }} of %d members; quorum needs %d", c.name, len(c.nodes), quorum)))
	}
	if rs := t.With(render.RoleDBReplica, ""); len(rs) > 0 {
		dbs.Rules = append(dbs.Rules, alert("DBReplicaNotReplicating",
			fmt.Sprintf(`(mysql_slave_status_slave_sql_running{instance=%q} != 1) or (mysql_slave_status_seconds_behind_master{instance=%q} > 300)`, rs[0].Name, rs[0].Name),
			"5m", "critical", "the replica cluster's channel node {{ $labels.instance }} is not replicating the primary"))
	}
	out := ruleFile{Groups: []ruleGroup{hosts}}
	if len(roles.Rules) > 0 {
		out.Groups = append(out.Groups, roles)
	}
	if len(t.With(render.RoleMX, "")) > 0 {
		out.Groups = append(out.Groups, mail)
	}
	if len(t.With(render.RoleDB, ""))+len(t.With(render.RoleDBReplica, "")) > 0 {
		out.Groups = append(out.Groups, dbs)
	}
	return out
}
