package runrecord

import "time"

// SuiteManifestFile is the suite directory's record of what ran.
const SuiteManifestFile = "suite.json"

// SuiteFile is a suite file's content: runs to make (workloads × targets ×
// load points, plus extra runs) and their settings. Package suite reads and
// validates it; suite.json records it.
type SuiteFile struct {
	// Name names the suite (and its directory by default).
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Defaults apply to every run unless the target, load point or run says otherwise.
	Defaults SuiteSettings `yaml:"defaults,omitempty" json:"defaults"`
	// Workloads × Targets × Loads is the matrix of runs.
	Workloads []string      `yaml:"workloads,omitempty" json:"workloads,omitempty"`
	Targets   []SuiteTarget `yaml:"targets" json:"targets"`
	Loads     []SuiteLoad   `yaml:"loads,omitempty" json:"loads,omitempty"`
	// Runs are extra runs outside the matrix.
	Runs []SuiteExtraRun `yaml:"runs,omitempty" json:"runs,omitempty"`
	// Gate, when set, is how the suite's runs are judged against the store
	// (for nightly runs): a thresholds file for compare, and whether to
	// compare against the last good run.
	Gate *SuiteGate `yaml:"gate,omitempty" json:"gate,omitempty"`
}

// Settings are run settings that defaults, targets, load points and runs can each give.
type SuiteSettings struct {
	Backend        string              `yaml:"backend,omitempty" json:"backend,omitempty"`
	Model          string              `yaml:"model,omitempty" json:"model,omitempty"`
	Duration       Duration            `yaml:"duration,omitempty" json:"duration,omitempty"`
	Count          int                 `yaml:"count,omitempty" json:"count,omitempty"`
	Warmup         Duration            `yaml:"warmup,omitempty" json:"warmup,omitempty"`
	Cooldown       Duration            `yaml:"cooldown,omitempty" json:"cooldown,omitempty"`
	RequestTimeout Duration            `yaml:"request_timeout,omitempty" json:"request_timeout,omitempty"`
	Seed           uint64              `yaml:"seed,omitempty" json:"seed,omitempty"`
	Hardware       string              `yaml:"hardware,omitempty" json:"hardware,omitempty"`
	Site           string              `yaml:"site,omitempty" json:"site,omitempty"`
	Prices         string              `yaml:"prices,omitempty" json:"prices,omitempty"`
	SLOs           map[string]Duration `yaml:"slos,omitempty" json:"slos,omitempty"`
	// Flags are further `tcobench run` flags, by name, passed as given.
	Flags map[string]string `yaml:"flags,omitempty" json:"flags,omitempty"`
}

// SuiteTarget is a model server to run against.
type SuiteTarget struct {
	Name          string `yaml:"name" json:"name"`
	URL           string `yaml:"url" json:"url"`
	SuiteSettings `yaml:",inline" json:",inline"`
}

// SuiteLoad is one load point.
type SuiteLoad struct {
	// Mode is closed (default when Concurrency is set), constant, poisson or gamma.
	Mode          string   `yaml:"mode,omitempty" json:"mode,omitempty"`
	Concurrency   int      `yaml:"concurrency,omitempty" json:"concurrency,omitempty"`
	Rate          float64  `yaml:"rate,omitempty" json:"rate,omitempty"`
	GammaShape    float64  `yaml:"gamma_shape,omitempty" json:"gamma_shape,omitempty"`
	ThinkTime     Duration `yaml:"think_time,omitempty" json:"think_time,omitempty"`
	SuiteSettings `yaml:",inline" json:",inline"`
}

// SuiteExtraRun is one run outside the matrix.
type SuiteExtraRun struct {
	Name     string `yaml:"name,omitempty" json:"name,omitempty"`
	Workload string `yaml:"workload" json:"workload"`
	// Target names one of the suite's targets.
	Target        string    `yaml:"target" json:"target"`
	Load          SuiteLoad `yaml:"load" json:"load"`
	SuiteSettings `yaml:",inline" json:",inline"`
}

// SuiteGate configures the nightly regression gate.
type SuiteGate struct {
	// Thresholds is a compare thresholds file, relative to the suite file.
	Thresholds string `yaml:"thresholds,omitempty" json:"thresholds,omitempty"`
	// Baseline is "last-good" (the latest stored run that passed) or a run directory.
	Baseline string `yaml:"baseline,omitempty" json:"baseline,omitempty"`
}

// SuiteRunSpec is one run of a suite, with every setting resolved.
type SuiteRunSpec struct {
	// Index is the run's position in the suite, from 0; Name is its directory name
	// inside the suite directory ("01-tier1-support-ticket-local-c4").
	Index    int    `json:"index"`
	Name     string `json:"name"`
	Workload string `json:"workload"`
	// Target is the target's name; URL its address.
	Target string    `json:"target"`
	URL    string    `json:"url"`
	Load   SuiteLoad `json:"load"`
	// Settings are the merged settings: defaults, then target, then load point, then run.
	SuiteSettings
}

// SuiteOutcome is how one run of a suite went.
type SuiteOutcome struct {
	Spec    SuiteRunSpec `json:"spec"`
	Dir     string       `json:"dir"`
	Started time.Time    `json:"started_at"`
	Ended   time.Time    `json:"ended_at"`
	// Error is empty when the run succeeded.
	Error string `json:"error,omitempty"`
}

// SuiteManifest is suite.json.
type SuiteManifest struct {
	Suite    *SuiteFile     `json:"suite"`
	Started  time.Time      `json:"started_at"`
	Ended    time.Time      `json:"ended_at,omitempty"`
	Outcomes []SuiteOutcome `json:"runs"`
}

// WriteSuiteManifest writes dir/suite.json atomically.
func WriteSuiteManifest(dir string, m *SuiteManifest) error {
	return writeJSON(dir, SuiteManifestFile, m)
}

// ReadSuiteManifest reads dir/suite.json.
func ReadSuiteManifest(dir string) (*SuiteManifest, error) {
	var m SuiteManifest
	if err := readJSON(dir, SuiteManifestFile, &m); err != nil {
		return nil, err
	}
	return &m, nil
}
