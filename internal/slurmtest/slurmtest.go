// Package slurmtest starts a private Slurm cluster for tests: munged,
// slurmctld and slurmd from Debian's packages (munge, slurmctld, slurmd,
// slurm-client), one node on loopback with three GPUs (the null devices:
// Slurm counts and hands them out, nothing uses them), configured in a
// temporary directory. It skips (or, with CI=true, fails) a test when the
// programs are missing, and stops the daemons when the test ends. Only
// tests import it.
package slurmtest

import (
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// GPUs is the number of GPUs the test node offers.
const GPUs = 3

// programs are what the cluster needs, with the Debian package of each.
var programs = []struct{ name, pkg string }{
	{"munged", "munge"}, {"slurmctld", "slurmctld"}, {"slurmd", "slurmd"}, {"sbatch", "slurm-client"}, {"sinfo", "slurm-client"},
}

// Cluster is a running test cluster.
type Cluster struct {
	// Conf is the slurm.conf; clients find it through SLURM_CONF.
	Conf string
	// Dir holds the cluster's files and logs.
	Dir string
}

// Env is the environment variable clients need: SLURM_CONF=Conf.
func (c *Cluster) Env() string { return "SLURM_CONF=" + c.Conf }

// Start starts a one-node cluster for the test and sets SLURM_CONF for
// the test's own sbatch, squeue and scancel.
func Start(t *testing.T) *Cluster {
	t.Helper()
	for _, p := range programs {
		if _, err := exec.LookPath(p.name); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("Slurm: %s not found (CI=true): install the Debian packages munge slurmctld slurmd slurm-client (scripts/setup.sh)", p.name)
			}
			t.Skipf("Slurm: %s not found: install the Debian package %s (make setup) to test the Slurm launcher", p.name, p.pkg)
		}
	}
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("Slurm: the test cluster runs its daemons as root (CI=true, not root)")
		}
		t.Skip("Slurm: the test cluster runs its daemons as root (as CI does)")
	}
	dir, err := os.MkdirTemp("/tmp", "tcobench-slurm-") // short: the munge socket's path is limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	c := &Cluster{Dir: dir, Conf: filepath.Join(dir, "slurm.conf")}
	t.Setenv("SLURM_CONF", c.Conf)
	sock := c.startMunge(t)
	host := shortHost(t)
	if err := c.writeConf(host, sock, freePort(t), freePort(t)); err != nil {
		t.Fatal(err)
	}
	c.daemon(t, "slurmctld", "slurmctld", "-D", "-i")
	c.daemon(t, "slurmd", "slurmd", "-D", "-N", host)
	t.Cleanup(func() { _ = exec.Command("scancel", "--full", "--user", "root").Run() })
	c.waitIdle(t)
	return c
}

// startMunge starts munged with its own key and socket.
func (c *Cluster) startMunge(t *testing.T) string {
	t.Helper()
	m := filepath.Join(c.Dir, "munge")
	if err := os.Mkdir(m, 0o700); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 1024)
	_, _ = rand.Read(key)
	if err := os.WriteFile(filepath.Join(m, "munge.key"), key, 0o400); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(m, "sock")
	c.daemon(t, "munged", "munged", "-F", "--force", "--key-file="+filepath.Join(m, "munge.key"), "--socket="+sock,
		"--pid-file="+filepath.Join(m, "pid"), "--log-file="+filepath.Join(m, "log"), "--seed-file="+filepath.Join(m, "seed"))
	c.waitFor(t, "munged's socket", func() bool { _, err := os.Stat(sock); return err == nil })
	return sock
}

// writeConf writes slurm.conf and gres.conf: one node on loopback, its
// CPUs and GPUs as configured (not as found), no cgroups, no accounting.
func (c *Cluster) writeConf(host, sock string, ctld, slurmd int) error {
	d := c.Dir
	for _, sub := range []string{"state", "spool", "log"} {
		if err := os.Mkdir(filepath.Join(d, sub), 0o755); err != nil {
			return err
		}
	}
	conf := fmt.Sprintf(`ClusterName=tcobenchtest
SlurmctldHost=%[1]s(127.0.0.1)
SlurmctldPort=%[2]d
SlurmdPort=%[3]d
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=%[4]s
StateSaveLocation=%[5]s/state
SlurmdSpoolDir=%[5]s/spool
SlurmctldPidFile=%[5]s/slurmctld.pid
SlurmdPidFile=%[5]s/slurmd.pid
SlurmctldLogFile=%[5]s/log/slurmctld.log
SlurmdLogFile=%[5]s/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
SchedulerType=sched/builtin
GresTypes=gpu
NodeName=%[1]s NodeAddr=127.0.0.1 CPUs=8 RealMemory=4000 Gres=gpu:%[6]d State=UNKNOWN
PartitionName=test Nodes=%[1]s Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
`, host, ctld, slurmd, sock, d, GPUs)
	if err := os.WriteFile(c.Conf, []byte(conf), 0o644); err != nil {
		return err
	}
	var gres strings.Builder
	for _, dev := range []string{"/dev/null", "/dev/zero", "/dev/full"}[:GPUs] {
		fmt.Fprintf(&gres, "NodeName=%s Name=gpu File=%s\n", host, dev)
	}
	return os.WriteFile(filepath.Join(d, "gres.conf"), []byte(gres.String()), 0o644)
}

// daemon starts a daemon in the foreground and stops it when the test ends.
func (c *Cluster) daemon(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := os.Create(filepath.Join(c.Dir, name+".out"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), c.Env())
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		out.Close()
	})
}

// waitIdle waits until the node is idle (registered, not drained).
func (c *Cluster) waitIdle(t *testing.T) {
	t.Helper()
	c.waitFor(t, "the node to be idle", func() bool {
		out, err := exec.Command("sinfo", "--noheader", "--format=%T").Output()
		return err == nil && strings.TrimSpace(string(out)) == "idle"
	})
}

func (c *Cluster) waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("Slurm: timed out waiting for %s\n%s", what, c.Logs())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Logs returns the tails of the daemons' logs, for a failed test.
func (c *Cluster) Logs() string {
	var b strings.Builder
	for _, f := range []string{"munged.out", "slurmctld.out", "slurmd.out", "log/slurmctld.log", "log/slurmd.log"} {
		data, _ := os.ReadFile(filepath.Join(c.Dir, f))
		if len(data) > 3000 {
			data = data[len(data)-3000:]
		}
		fmt.Fprintf(&b, "--- %s\n%s\n", f, data)
	}
	return b.String()
}

func shortHost(t *testing.T) string {
	h, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	h, _, _ = strings.Cut(h, ".")
	return h
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// JobState returns a job's state as squeue or sacct would say it ("" when
// Slurm no longer lists it).
func JobState(job string) string {
	out, _ := exec.Command("squeue", "--noheader", "--jobs", job, "--format=%T").Output()
	return strings.TrimSpace(string(out))
}

// WaitJob waits until no task of the job is listed any more; on a
// timeout it fails the test with the daemons' logs and what more says.
func WaitJob(t *testing.T, c *Cluster, job string, limit time.Duration, more func() string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for JobState(job) != "" {
		if time.Now().After(deadline) {
			t.Fatalf("Slurm job %s still %s after %s\n%s\n%s", job, JobState(job), limit, more(), c.Logs())
		}
		time.Sleep(250 * time.Millisecond)
	}
}
