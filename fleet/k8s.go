package fleet

import (
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/tcobench/tcobench/badinput"
)

// K8sOptions is a Kubernetes Indexed Job of one shard per completion
// index, or a CronJob creating one each Schedule.
type K8sOptions struct {
	Launch
	// Image is the container image holding the tcobench binary.
	Image     string
	Namespace string
	// GPUResource is the extended resource of a GPU (nvidia.com/gpu).
	GPUResource string
	// NodeSelector pins the shards to labelled nodes.
	NodeSelector map[string]string
	// Secret and SecretKey name the Secret key holding the store's DSN.
	Secret, SecretKey string
	// RuntimeClass is the pods' runtime class ("" none; "nvidia" for NVML).
	RuntimeClass string
	// VolumeClaim keeps the run directories on this PersistentVolumeClaim
	// ("" an emptyDir: the store keeps the records).
	VolumeClaim string
	// Schedule, when set, writes a CronJob that creates the Job on it.
	Schedule string
}

// DefaultK8s are the defaults of a Kubernetes launch.
func DefaultK8s() K8sOptions {
	return K8sOptions{Launch: Launch{Shards: 2, Split: "node", Runs: "/var/lib/tcobench/runs"}, GPUResource: "nvidia.com/gpu",
		Secret: "tcobench-store", SecretKey: "dsn", NodeSelector: map[string]string{}}
}

// Bind registers the options on fs under their names.
func (o *K8sOptions) Bind(fs *pflag.FlagSet) {
	o.bind(fs)
	fs.StringVar(&o.Image, "image", o.Image, "container image holding the tcobench binary")
	fs.StringVar(&o.Namespace, "namespace", o.Namespace, "namespace of the Job")
	fs.StringVar(&o.GPUResource, "gpu-resource", o.GPUResource, "extended resource name of a GPU")
	fs.StringToStringVar(&o.NodeSelector, "node-selector", o.NodeSelector, "node label the shards must run on, key=value (repeatable)")
	fs.StringVar(&o.Secret, "secret", o.Secret, "Secret holding the results store's DSN")
	fs.StringVar(&o.SecretKey, "secret-key", o.SecretKey, "key of the DSN in the Secret")
	fs.StringVar(&o.RuntimeClass, "runtime-class", o.RuntimeClass, "runtime class of the pods (nvidia, for NVML to read the GPUs)")
	fs.StringVar(&o.VolumeClaim, "volume-claim", o.VolumeClaim, "PersistentVolumeClaim to keep the run directories on (default: an emptyDir)")
	fs.StringVar(&o.Schedule, "schedule", o.Schedule, "cron schedule: write a CronJob creating the Job on it (0 2 * * *)")
}

// Kubernetes objects, as much of them as the manifest uses.
type (
	k8sMeta struct {
		Name         string            `yaml:"name,omitempty"`
		GenerateName string            `yaml:"generateName,omitempty"`
		Namespace    string            `yaml:"namespace,omitempty"`
		Labels       map[string]string `yaml:"labels,omitempty"`
	}
	k8sObject struct {
		APIVersion string  `yaml:"apiVersion"`
		Kind       string  `yaml:"kind"`
		Metadata   k8sMeta `yaml:"metadata"`
		Spec       any     `yaml:"spec"`
	}
	k8sCronSpec struct {
		Schedule          string `yaml:"schedule"`
		ConcurrencyPolicy string `yaml:"concurrencyPolicy"`
		JobTemplate       struct {
			Metadata k8sMeta    `yaml:"metadata"`
			Spec     k8sJobSpec `yaml:"spec"`
		} `yaml:"jobTemplate"`
	}
	k8sJobSpec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Parallelism    int    `yaml:"parallelism"`
		BackoffLimit   int    `yaml:"backoffLimit"`
		Template       struct {
			Metadata k8sMeta `yaml:"metadata"`
			Spec     k8sPod  `yaml:"spec"`
		} `yaml:"template"`
	}
	k8sPod struct {
		RestartPolicy    string            `yaml:"restartPolicy"`
		RuntimeClassName string            `yaml:"runtimeClassName,omitempty"`
		NodeSelector     map[string]string `yaml:"nodeSelector,omitempty"`
		Containers       []k8sContainer    `yaml:"containers"`
		Volumes          []map[string]any  `yaml:"volumes"`
	}
	k8sContainer struct {
		Name         string              `yaml:"name"`
		Image        string              `yaml:"image"`
		Args         []string            `yaml:"args"`
		Env          []map[string]any    `yaml:"env"`
		Resources    map[string]any      `yaml:"resources,omitempty"`
		VolumeMounts []map[string]string `yaml:"volumeMounts"`
	}
)

// WriteK8s writes the Indexed Job (or, with Schedule, the CronJob): Shards
// completions run in parallel, one shard each with its index from
// JOB_COMPLETION_INDEX; the fleet's ID is the Job's name (each Job is a new
// fleet run); the store's DSN comes from the Secret; each pod asks for GPUs
// GPUResource and runs on the nodes NodeSelector names.
func WriteK8s(w io.Writer, o K8sOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	if o.Image == "" {
		return badinput.Field("image", nil, "name the container image holding the tcobench binary")
	}
	if o.Secret == "" || o.SecretKey == "" {
		return badinput.Field("secret", nil, "name the Secret and key holding the results store's DSN")
	}
	labels := map[string]string{"app.kubernetes.io/name": "tcobench", "tcobench/fleet": o.Fleet}
	job := o.jobSpec(labels)
	obj := k8sObject{APIVersion: "batch/v1", Kind: "Job", Spec: job,
		Metadata: k8sMeta{GenerateName: "tcobench-" + o.Fleet + "-", Namespace: o.Namespace, Labels: labels}}
	if o.Schedule != "" {
		var c k8sCronSpec
		c.Schedule, c.ConcurrencyPolicy = o.Schedule, "Forbid"
		c.JobTemplate.Metadata.Labels, c.JobTemplate.Spec = labels, job
		obj = k8sObject{APIVersion: "batch/v1", Kind: "CronJob", Spec: c,
			Metadata: k8sMeta{Name: "tcobench-" + o.Fleet, Namespace: o.Namespace, Labels: labels}}
	}
	fmt.Fprintf(w, "# tcobench fleet %s: %s, one shard per completion index.\n", o.Fleet, describe(o.Launch))
	fmt.Fprintf(w, "# Written by tcobench fleet k8s; create it with kubectl create -f (each Job is a new fleet run,\n")
	fmt.Fprintf(w, "# named by the Job). The results store's DSN comes from Secret %s, key %s.\n", o.Secret, o.SecretKey)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(obj); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return enc.Close()
}

func (o K8sOptions) jobSpec(labels map[string]string) k8sJobSpec {
	var j k8sJobSpec
	j.CompletionMode, j.Completions, j.Parallelism = "Indexed", o.Shards, o.Shards
	// A retried pod would join again under its taken index: no retries.
	j.BackoffLimit = 0
	j.Template.Metadata.Labels = labels
	p := &j.Template.Spec
	p.RestartPolicy, p.RuntimeClassName = "Never", o.RuntimeClass
	if len(o.NodeSelector) > 0 {
		p.NodeSelector = o.NodeSelector
	}
	runs := map[string]any{"name": "runs", "emptyDir": map[string]any{}}
	if o.VolumeClaim != "" {
		runs = map[string]any{"name": "runs", "persistentVolumeClaim": map[string]any{"claimName": o.VolumeClaim}}
	}
	p.Volumes = []map[string]any{runs}
	c := k8sContainer{Name: "tcobench", Image: o.Image,
		Args: append([]string{"run", "--shard", "auto/" + strconv.Itoa(o.Shards), "--fleet-split", o.Split,
			"--out", o.Runs + "/$(TCOBENCH_FLEET)/shard-$(TCOBENCH_SHARD_INDEX)"}, o.RunArgs...),
		Env: []map[string]any{
			{"name": "TCOBENCH_FLEET", "valueFrom": fieldRef("metadata.labels['batch.kubernetes.io/job-name']")},
			{"name": "TCOBENCH_SHARD_INDEX", "valueFrom": fieldRef("metadata.annotations['batch.kubernetes.io/job-completion-index']")},
			{"name": "TCOBENCH_STORE", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": o.Secret, "key": o.SecretKey}}},
		},
		VolumeMounts: []map[string]string{{"name": "runs", "mountPath": o.Runs}}}
	if o.GPUs > 0 {
		n := strconv.Itoa(o.GPUs)
		c.Resources = map[string]any{"requests": map[string]string{o.GPUResource: n}, "limits": map[string]string{o.GPUResource: n}}
	}
	p.Containers = []k8sContainer{c}
	return j
}

func fieldRef(path string) map[string]any {
	return map[string]any{"fieldRef": map[string]any{"fieldPath": path}}
}
