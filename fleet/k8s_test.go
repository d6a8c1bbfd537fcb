package fleet

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file (go test -update rewrites it):\n%s", name, got)
	}
}

func k8sLaunch() K8sOptions {
	o := DefaultK8s()
	o.Fleet, o.Shards, o.GPUs, o.Image, o.Namespace = "nightly", 4, 8, "registry.internal/tcobench:1.0.0", "llm"
	o.NodeSelector = map[string]string{"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3", "kubernetes.io/arch": "amd64"}
	o.RuntimeClass = "nvidia"
	o.RunArgs = []string{"--target", "http://127.0.0.1:8000", "--backend", "openai-chat", "--model", "llama3",
		"--rate", "4", "--arrival", "poisson", "--duration", "5m", "--warmup", "30s", "--seed", "7"}
	return o
}

// The manifest decodes strictly (an unknown field is an error) into a
// batch/v1 Job that runs every shard at once, one per completion index,
// with its GPUs, its nodes and the store's DSN from the Secret.
func TestK8sIndexedJob(t *testing.T) {
	var b bytes.Buffer
	if err := WriteK8s(&b, k8sLaunch()); err != nil {
		t.Fatal(err)
	}
	golden(t, "job.yaml", b.Bytes())
	var job batchv1.Job
	if err := yaml.UnmarshalStrict(b.Bytes(), &job); err != nil {
		t.Fatalf("not a strict batch/v1 Job: %v", err)
	}
	s := job.Spec
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || *s.CompletionMode != batchv1.IndexedCompletion ||
		*s.Completions != 4 || *s.Parallelism != 4 || *s.BackoffLimit != 0 || job.GenerateName != "tcobench-nightly-" {
		t.Fatalf("job %+v", job)
	}
	checkPod(t, s.Template.Spec)
	c := s.Template.Spec.Containers[0]
	args := strings.Join(c.Args, " ")
	if !strings.HasPrefix(args, "run --shard auto/4 --fleet-split node --out /var/lib/tcobench/runs/$(TCOBENCH_FLEET)/shard-$(TCOBENCH_SHARD_INDEX) --target") {
		t.Errorf("args %s", args)
	}
	env := map[string]string{}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom.SecretKeyRef != nil:
			env[e.Name] = "secret " + e.ValueFrom.SecretKeyRef.Name + "/" + e.ValueFrom.SecretKeyRef.Key
		case e.ValueFrom.FieldRef != nil:
			env[e.Name] = e.ValueFrom.FieldRef.FieldPath
		}
	}
	if env["TCOBENCH_STORE"] != "secret tcobench-store/dsn" || env["TCOBENCH_FLEET"] != "metadata.labels['batch.kubernetes.io/job-name']" {
		t.Errorf("env %v", env)
	}
}

// checkPod checks a shard pod's GPU request and node selector.
func checkPod(t *testing.T, p corev1.PodSpec) {
	t.Helper()
	r := p.Containers[0].Resources
	gpu := corev1.ResourceName("nvidia.com/gpu")
	if q := r.Limits[gpu]; q.Value() != 8 {
		t.Errorf("GPU limit %v, want 8", r.Limits)
	}
	if q := r.Requests[gpu]; q.Value() != 8 {
		t.Errorf("GPU request %v, want 8", r.Requests)
	}
	if p.NodeSelector["nvidia.com/gpu.product"] != "NVIDIA-H100-80GB-HBM3" || len(p.NodeSelector) != 2 || *p.RuntimeClassName != "nvidia" ||
		p.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("pod: node selector %v, runtime class %v, restart %s", p.NodeSelector, p.RuntimeClassName, p.RestartPolicy)
	}
}

// With a schedule the output is a strict batch/v1 CronJob of the same Job.
func TestK8sCronJob(t *testing.T) {
	o := k8sLaunch()
	o.Schedule, o.VolumeClaim = "0 2 * * *", "tcobench-runs"
	var b bytes.Buffer
	if err := WriteK8s(&b, o); err != nil {
		t.Fatal(err)
	}
	golden(t, "cronjob.yaml", b.Bytes())
	var cj batchv1.CronJob
	if err := yaml.UnmarshalStrict(b.Bytes(), &cj); err != nil {
		t.Fatalf("not a strict batch/v1 CronJob: %v", err)
	}
	js := cj.Spec.JobTemplate.Spec
	checkPod(t, js.Template.Spec)
	if cj.Kind != "CronJob" || cj.Spec.Schedule != "0 2 * * *" || *js.Completions != 4 || *js.CompletionMode != batchv1.IndexedCompletion ||
		js.Template.Spec.Volumes[0].PersistentVolumeClaim.ClaimName != "tcobench-runs" {
		t.Fatalf("cronjob %+v", cj)
	}
}

// An unknown field is caught by the strict decoding the tests rely on.
func TestStrictDecodingRefusesUnknownFields(t *testing.T) {
	var job batchv1.Job
	if err := yaml.UnmarshalStrict([]byte("apiVersion: batch/v1\nkind: Job\nspec:\n  completionz: 3\n"), &job); err == nil {
		t.Fatal("an unknown field decoded without error")
	}
}
