// Package pgtest starts a private PostgreSQL server for tests, on
// loopback, from Debian's postgresql package: it skips (or, with CI=true,
// fails) a test when the server binaries are missing and stops the server
// when the test ends. Only tests import it.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
)

// pgBinDirs are where Debian's postgresql package puts its server binaries.
var pgBinDirs = []string{"/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"}

// Start starts a throw-away PostgreSQL server for the test and
// returns its DSN. TCOBENCH_TEST_POSTGRES=DSN uses an existing server instead.
// Skips when the binaries or, as root, the postgres user are absent
// (fails when CI=true).
func Start(t testing.TB) string {
	t.Helper()
	if dsn := os.Getenv("TCOBENCH_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	bin := ""
	for _, d := range pgBinDirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			bin = d
			break
		}
	}
	if bin == "" {
		unavailable(t, "PostgreSQL server binaries not found: install the Debian package postgresql (make setup) to test the PostgreSQL store")
	}
	dir, err := os.MkdirTemp("/tmp", "tcobench-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	asUser := func(name string, args ...string) *exec.Cmd { return exec.Command(name, args...) }
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			unavailable(t, "running as root without a postgres user to run the server as (the Debian package postgresql creates one)")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		asUser = func(name string, args ...string) *exec.Cmd {
			return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := asUser(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	port := freePort(t)
	srv := asUser(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port), "-k", dir, "-h", "127.0.0.1", "-F")
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close() // the server holds its own descriptor
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = srv.Process.Kill()
		}
	})
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		db, err := sql.Open("pgx", dsn)
		if err == nil {
			err = db.PingContext(context.Background())
			db.Close()
		}
		if err == nil {
			return dsn
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			t.Fatalf("postgres did not accept connections: %v\n%s", err, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// unavailable skips the test, or fails it when CI=true: CI installs
// PostgreSQL, so its absence there is a set-up defect, not a reason to skip.
func unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why + " (CI=true)")
	}
	t.Skip(why)
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
