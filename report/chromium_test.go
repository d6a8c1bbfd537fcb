package report

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/report/rundata/rundatatest"
)

// chromiumBin finds headless Chromium, or skips (fails when CI=true).
func chromiumBin(t *testing.T) string {
	t.Helper()
	for _, c := range []string{os.Getenv("TCOBENCH_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found (CI=true): install the Debian package chromium (scripts/setup.sh)")
	}
	t.Skip("chromium not found: install the Debian package chromium (make setup) to run the browser test")
	return ""
}

// ChromiumBin is chromiumBin for the package's external tests, which
// check for the browser before work that needs it.
func ChromiumBin(t *testing.T) string { t.Helper(); return chromiumBin(t) }

// TestAnswerOnFirstScreen: a priced run's report shows its answer on the
// first 1280×800 screen.
func TestAnswerOnFirstScreen(t *testing.T) {
	chromiumBin(t)
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	dir := filepath.Join(t.TempDir(), "run")
	rundatatest.Write(t, dir, rundatatest.Options{ID: "ticket", Telemetry: true, Cost: rundatatest.SampleCost, Failures: 3})
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, []byte(render(t, dir, "html")), 0o644); err != nil {
		t.Fatal(err)
	}
	CheckAnswerFirst(t, page)
}

// TestHTMLInChromium loads a suite report in real headless Chromium and
// checks: no console errors or exceptions, no network request other than the
// file itself, outside text shown as text, every chart drawn, and a
// screenshot that is not blank. TCOBENCH_REPORT_SCREENSHOT=path keeps the PNG.
func TestHTMLInChromium(t *testing.T) {
	chromiumBin(t)
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	base := t.TempDir()
	for i, c := range []int{1, 4, 8} {
		rundatatest.Write(t, filepath.Join(base, []string{"01-c1", "02-c4", "03-c8"}[i]), rundatatest.Options{ID: "ticket-c" + string(rune('0'+c)),
			Name: "prompt " + evil, Concurrency: c, Seed: uint64(c), Slowdown: 1 + float64(c)/8, Telemetry: true, Cost: rundatatest.SampleCost, Model: "m" + evil, Failures: 2})
	}
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, []byte(render(t, base, "html")), 0o644); err != nil {
		t.Fatal(err)
	}
	CheckInChromium(t, page, 28, true)
}

// CheckInChromium loads an HTML report in headless Chromium and checks it:
// no console errors or exceptions, no network request but the file itself,
// no script, at least wantCharts charts drawn at full width, a screenshot
// that is not blank, and, when evilText, the test's <script> text shown as
// text. Exported for the package's external tests.
func CheckInChromium(t *testing.T, page string, wantCharts int, evilText bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, s := openPage(ctx, t, page, 1400, 1800)
	checkDOM(ctx, t, c, s, wantCharts, evilText)
	checkScreenshot(ctx, t, c, s)
}

// openPage loads page in headless Chromium at the given viewport and
// waits for it to settle, failing on console errors, exceptions and
// network requests; it returns the devtools connection and session.
func openPage(ctx context.Context, t *testing.T, page string, width, height int) (*cdp, string) {
	t.Helper()
	bin := chromiumBin(t)
	pageURL := "file://" + page
	ws, err := wsDial(ctx, startChromium(ctx, t, bin))
	if err != nil {
		t.Fatal(err)
	}
	c := newCDP(ws)
	var tgt struct{ TargetID string }
	if err := c.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &tgt); err != nil {
		t.Fatal(err)
	}
	var att struct{ SessionID string }
	if err := c.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": tgt.TargetID, "flatten": true}, &att); err != nil {
		t.Fatal(err)
	}
	s := att.SessionID
	for _, m := range []string{"Runtime.enable", "Log.enable", "Network.enable", "Page.enable"} {
		if err := c.call(ctx, s, m, map[string]any{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.call(ctx, s, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.call(ctx, s, "Page.navigate", map[string]any{"url": pageURL}, nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range watch(ctx, t, c, s, pageURL) {
		t.Error(p)
	}
	return c, s
}

// CheckAnswerFirst loads a one-run report at 1280×800 and checks that the
// answer (cost per task, the cheapest API and break-even) is on the first
// screen, above any scrolling. Exported for the package's external tests.
func CheckAnswerFirst(t *testing.T, page string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, s := openPage(ctx, t, page, 1280, 800)
	bottom := evalJS(ctx, t, c, s, `(() => { const h = document.querySelector('#answer .headline'); return h ? h.getBoundingClientRect().bottom : -1 })()`)
	if b, _ := bottom.(float64); b < 0 || b > 800 {
		t.Errorf("the answer ends %v px down; want it within the first 800 px", bottom)
	}
	text, _ := evalJS(ctx, t, c, s, `(document.querySelector('#answer .headline') || {innerText: ''}).innerText`).(string)
	for _, want := range []string{"per task", "The cheapest API compared", "tasks/day"} {
		if !strings.Contains(text, want) {
			t.Errorf("the answer lacks %q: %s", want, text)
		}
	}
	if cut := evalJS(ctx, t, c, s, cutTextJS); cut != nil {
		for _, l := range cut.([]any) {
			t.Errorf("chart text cut off: %v", l)
		}
	}
}

// watch collects events until the page has loaded and settled, returning
// console errors, exceptions and network requests other than the page.
func watch(ctx context.Context, t *testing.T, c *cdp, s, pageURL string) []string {
	t.Helper()
	var problems []string
	loaded := false
	settle := time.After(60 * time.Second)
	for {
		select {
		case ev, ok := <-c.events:
			if !ok {
				t.Fatal("devtools connection closed")
			}
			if ev.SessionID != s {
				continue
			}
			problems = append(problems, problem(ev, pageURL)...)
			if ev.Method == "Page.loadEventFired" && !loaded {
				loaded = true
				settle = time.After(700 * time.Millisecond)
			}
		case <-settle:
			if !loaded {
				t.Fatal("the page did not finish loading")
			}
			return problems
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		}
	}
}

func problem(ev cdpMsg, pageURL string) []string {
	var p struct {
		Type             string
		Request          struct{ URL string }
		Entry            struct{ Level, Text, URL string }
		Args             []struct{ Value any }
		ExceptionDetails struct{ Text string }
	}
	_ = json.Unmarshal(ev.Params, &p)
	switch ev.Method {
	case "Network.requestWillBeSent":
		if u := p.Request.URL; u != pageURL && !strings.HasPrefix(u, "data:") {
			return []string{"network request: " + u}
		}
	case "Runtime.consoleAPICalled":
		if p.Type == "error" || p.Type == "warning" || p.Type == "assert" {
			return []string{"console " + p.Type + ": " + string(ev.Params)}
		}
	case "Runtime.exceptionThrown":
		return []string{"exception: " + p.ExceptionDetails.Text}
	case "Log.entryAdded":
		if p.Entry.Level == "error" || p.Entry.Level == "warning" {
			return []string{"log " + p.Entry.Level + ": " + p.Entry.Text + " " + p.Entry.URL}
		}
	}
	return nil
}

func evalJS(ctx context.Context, t *testing.T, c *cdp, s, expr string) any {
	t.Helper()
	var r struct {
		Result struct{ Value any }
	}
	if err := c.call(ctx, s, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &r); err != nil {
		t.Fatal(err)
	}
	return r.Result.Value
}

func checkDOM(ctx context.Context, t *testing.T, c *cdp, s string, wantCharts int, evilText bool) {
	t.Helper()
	if n := evalJS(ctx, t, c, s, "document.scripts.length"); n != float64(0) {
		t.Errorf("%v script elements in the page", n)
	}
	if v := evalJS(ctx, t, c, s, `document.body.innerText.includes('<script>alert("x")</script>')`); evilText && v != true {
		t.Error("outside text containing <script> is not shown as text")
	}
	if n := evalJS(ctx, t, c, s, "document.querySelectorAll('svg.chart').length"); n.(float64) < float64(wantCharts) {
		t.Errorf("%v charts drawn, want %d", n, wantCharts)
	}
	if n := evalJS(ctx, t, c, s, "Array.from(document.querySelectorAll('svg.chart')).filter(e => e.getBoundingClientRect().width < 300).length"); n != float64(0) {
		t.Errorf("%v charts rendered narrower than 300 px", n)
	}
	if cut := evalJS(ctx, t, c, s, cutTextJS); cut != nil {
		for _, l := range cut.([]any) {
			t.Errorf("chart text cut off: %v", l)
		}
	}
}

// cutTextJS lists every text of a chart that reaches outside its SVG's
// view box, as the browser lays it out with its real fonts.
const cutTextJS = `Array.from(document.querySelectorAll('svg.chart')).flatMap(svg => {
  const vb = svg.viewBox.baseVal;
  return Array.from(svg.querySelectorAll('text')).filter(e => {
    const b = e.getBBox();
    if (e.transform.baseVal.numberOfItems > 0) return false; // the rotated axis label
    return b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y + b.height > vb.y + vb.height + 0.5;
  }).map(e => svg.getAttribute('aria-label') + ': "' + e.textContent + '"');
})`

func checkScreenshot(ctx context.Context, t *testing.T, c *cdp, s string) {
	t.Helper()
	var shot struct{ Data string }
	h := evalJS(ctx, t, c, s, "document.documentElement.scrollHeight").(float64)
	clip := map[string]any{"x": 0, "y": 0, "width": 1400, "height": min(h, 8000), "scale": 1}
	if err := c.call(ctx, s, "Page.captureScreenshot", map[string]any{"format": "png", "clip": clip, "captureBeyondViewport": true}, &shot); err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		t.Fatal(err)
	}
	if p := os.Getenv("TCOBENCH_REPORT_SCREENSHOT"); p != "" {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	bd := img.Bounds()
	nonWhite := 0
	for y := bd.Min.Y; y < bd.Max.Y; y += 2 {
		for x := bd.Min.X; x < bd.Max.X; x += 2 {
			r, g, bb, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bb < 0xf000 {
				nonWhite++
			}
		}
	}
	total := (bd.Dx() / 2) * (bd.Dy() / 2)
	if frac := float64(nonWhite) / float64(total); frac < 0.03 {
		t.Errorf("screenshot is nearly blank: %.1f%% non-white pixels", 100*frac)
	} else {
		t.Logf("screenshot %dx%d, %.1f%% non-white pixels", bd.Dx(), bd.Dy(), 100*frac)
	}
}
