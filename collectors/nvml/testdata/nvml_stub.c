/*
 * A stub libnvidia-ml.so.1 for the nvml package's tests: it exports the NVML
 * entry points tcobench calls, with the signatures of NVIDIA's nvml.h (the
 * header go-nvml ships; there nvmlDevice_t is a struct wrapping the handle), so that the tests go through go-nvml's real library
 * loading (dlopen, versioned-symbol lookup, cgo calls) on a machine without a
 * GPU. Built by the tests with gcc into a temporary folder.
 *
 * Behaviour, from the environment of the process that loads it:
 *   STUB_GPUS=n            number of GPUs (default 2, at most 8)
 *   STUB_FAIL_HANDLE=i     nvmlDeviceGetHandleByIndex_v2(i) answers GPU_IS_LOST
 *   STUB_NO_ENERGY=1       the energy counter is NOT_SUPPORTED
 *   STUB_MIG=1             GPU 0 is in MIG mode with 2 MIG devices; its parent
 *                          memory query answers NO_PERMISSION (slice-only container)
 *   STUB_NO_PERMISSION=1   setting power limits or clocks answers NO_PERMISSION
 *   STUB_REASONS=mask      current clock-event reasons (default 0)
 *   STUB_LOG=path          every setting call is appended to this file, one line each
 * Compile-time:
 *   -DOLD_DRIVER           no nvmlDeviceGetCurrentClocksEventReasons (drivers
 *                          before R535 have only ...ThrottleReasons)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nvml.h"

#define MAX_GPUS 8
#define MIG_PER_GPU 2

struct nvmlDevice_st {
	int index;  /* GPU index, or the parent's for a MIG device */
	int mig;    /* 0: a physical GPU; 1..MIG_PER_GPU: a MIG device */
	unsigned int limit_mw;
	unsigned int clock_min, clock_max;
};

static struct nvmlDevice_st gpus[MAX_GPUS];
static struct nvmlDevice_st migs[MAX_GPUS][MIG_PER_GPU];
static struct timespec t0;

static int env_int(const char *name, int def) {
	const char *v = getenv(name);
	return v && *v ? atoi(v) : def;
}

static int ngpus(void) {
	int n = env_int("STUB_GPUS", 2);
	return n < 0 ? 0 : (n > MAX_GPUS ? MAX_GPUS : n);
}

static int is_mig_gpu(struct nvmlDevice_st *d) { return env_int("STUB_MIG", 0) && d->index == 0; }

static void logf_(const char *fmt, ...) {
	const char *path = getenv("STUB_LOG");
	if (!path || !*path)
		return;
	FILE *f = fopen(path, "a");
	if (!f)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static double elapsed_s(void) {
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
}

/* Power of GPU i in W: 250 W plus 50 W per index. */
static double power_w(struct nvmlDevice_st *d) { return 250.0 + 50.0 * d->index; }

static int valid(struct nvmlDevice_st *d) { return d != NULL && d->index >= 0 && d->index < ngpus(); }

nvmlReturn_t nvmlInit_v2(void) {
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < MAX_GPUS; i++) {
		gpus[i] = (struct nvmlDevice_st){.index = i, .limit_mw = 700000};
		for (int m = 0; m < MIG_PER_GPU; m++)
			migs[i][m] = (struct nvmlDevice_st){.index = i, .mig = m + 1};
	}
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void) { return NVML_SUCCESS; }

const char *nvmlErrorString(nvmlReturn_t r) {
	switch (r) {
	case NVML_SUCCESS: return "Success";
	case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
	case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
	case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
	case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
	case NVML_ERROR_NOT_FOUND: return "Not Found";
	default: return "Unknown Error";
	}
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *v, unsigned int n) {
	snprintf(v, n, "%s", "525.147.05");
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetNVMLVersion(char *v, unsigned int n) {
	snprintf(v, n, "%s", "12.525.147.05");
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion(int *v) {
	*v = 12000;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n) {
	*n = (unsigned int)ngpus();
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d) {
	if ((int)i >= ngpus())
		return NVML_ERROR_INVALID_ARGUMENT;
	if (env_int("STUB_FAIL_HANDLE", -1) == (int)i)
		return NVML_ERROR_GPU_IS_LOST;
	d->handle = &gpus[i];
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t dev, char *uuid, unsigned int n) {
	struct nvmlDevice_st *d = dev.handle;
	if (d->mig)
		snprintf(uuid, n, "MIG-5a1e%04x-0000-0000-0000-%012x", d->index, d->mig);
	else
		snprintf(uuid, n, "GPU-57ab%04x-0000-0000-0000-000000000000", d->index);
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t dev, char *name, unsigned int n) {
	snprintf(name, n, "%s", "NVIDIA A100-SXM4-80GB");
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t dev, nvmlDeviceArchitecture_t *a) {
	*a = NVML_DEVICE_ARCH_AMPERE;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t dev, unsigned int *cur, unsigned int *pending) {
	struct nvmlDevice_st *d = dev.handle;
	*cur = *pending = is_mig_gpu(d) ? NVML_DEVICE_MIG_ENABLE : NVML_DEVICE_MIG_DISABLE;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t dev, unsigned int *n) {
	struct nvmlDevice_st *d = dev.handle;
	*n = is_mig_gpu(d) ? 7 : 0;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t dev, unsigned int i, nvmlDevice_t *mig) {
	struct nvmlDevice_st *d = dev.handle;
	if (!is_mig_gpu(d))
		return NVML_ERROR_INVALID_ARGUMENT;
	if (i >= MIG_PER_GPU)
		return NVML_ERROR_NOT_FOUND; /* 7 possible, 2 created */
	mig->handle = &migs[d->index][i];
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t dev, unsigned int *id) {
	struct nvmlDevice_st *d = dev.handle;
	if (!d->mig)
		return NVML_ERROR_INVALID_ARGUMENT;
	*id = (unsigned int)d->mig;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t dev, unsigned int *id) {
	struct nvmlDevice_st *d = dev.handle;
	if (!d->mig)
		return NVML_ERROR_INVALID_ARGUMENT;
	*id = 0;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t dev, nvmlMemory_t *m) {
	struct nvmlDevice_st *d = dev.handle;
	if (is_mig_gpu(d))
		return NVML_ERROR_NO_PERMISSION;
	m->total = 80ULL << 30;
	m->used = 1ULL << 30;
	m->free = m->total - m->used;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t dev, unsigned long long *e) {
	struct nvmlDevice_st *d = dev.handle;
	if (!valid(d))
		return NVML_ERROR_INVALID_ARGUMENT;
	if (env_int("STUB_NO_ENERGY", 0))
		return NVML_ERROR_NOT_SUPPORTED;
	*e = 4000000000ULL + (unsigned long long)(power_w(d) * elapsed_s() * 1000.0);
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t dev, int n, nvmlFieldValue_t *v) {
	struct nvmlDevice_st *d = dev.handle;
	for (int i = 0; i < n; i++) {
		if (v[i].fieldId != NVML_FI_DEV_POWER_INSTANT) {
			v[i].nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
			continue;
		}
		v[i].valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
		v[i].value.uiVal = (unsigned int)(power_w(d) * 1000.0);
		v[i].nvmlReturn = NVML_SUCCESS;
	}
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t dev, unsigned int *mw) {
	struct nvmlDevice_st *d = dev.handle;
	*mw = (unsigned int)(power_w(d) * 1000.0);
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t dev, nvmlUtilization_t *u) {
	struct nvmlDevice_st *d = dev.handle;
	if (is_mig_gpu(d))
		return NVML_ERROR_NOT_SUPPORTED;
	u->gpu = 90;
	u->memory = 45;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t dev, nvmlClockType_t t, unsigned int *mhz) {
	struct nvmlDevice_st *d = dev.handle;
	*mhz = t == NVML_CLOCK_MEM ? 1593 : (d->clock_max ? d->clock_max : 1410);
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t dev, nvmlClockType_t t, unsigned int *mhz) {
	*mhz = t == NVML_CLOCK_MEM ? 1593 : 1410;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t dev, nvmlTemperatureSensors_t s, unsigned int *c) {
	*c = 55;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t dev, unsigned int *mw) {
	struct nvmlDevice_st *d = dev.handle;
	*mw = d->limit_mw;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t dev, unsigned int *mw) {
	struct nvmlDevice_st *d = dev.handle;
	*mw = d->limit_mw;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t dev, unsigned int *mw) {
	*mw = 700000;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t dev, unsigned int *lo, unsigned int *hi) {
	*lo = 200000;
	*hi = 700000;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceSetPowerManagementLimit(nvmlDevice_t dev, unsigned int mw) {
	struct nvmlDevice_st *d = dev.handle;
	if (env_int("STUB_NO_PERMISSION", 0))
		return NVML_ERROR_NO_PERMISSION;
	if (mw < 200000 || mw > 700000)
		return NVML_ERROR_INVALID_ARGUMENT;
	d->limit_mw = mw;
	logf_("gpu %d power_limit_mw %u", d->index, mw);
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceSetGpuLockedClocks(nvmlDevice_t dev, unsigned int lo, unsigned int hi) {
	struct nvmlDevice_st *d = dev.handle;
	if (env_int("STUB_NO_PERMISSION", 0))
		return NVML_ERROR_NO_PERMISSION;
	d->clock_min = lo;
	d->clock_max = hi;
	logf_("gpu %d locked_clocks_mhz %u-%u", d->index, lo, hi);
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceResetGpuLockedClocks(nvmlDevice_t dev) {
	struct nvmlDevice_st *d = dev.handle;
	if (env_int("STUB_NO_PERMISSION", 0))
		return NVML_ERROR_NO_PERMISSION;
	d->clock_min = d->clock_max = 0;
	logf_("gpu %d reset_locked_clocks", d->index);
	return NVML_SUCCESS;
}

#ifndef OLD_DRIVER
nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t dev, unsigned long long *r) {
	*r = (unsigned long long)env_int("STUB_REASONS", 0);
	return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t dev, unsigned long long *r) {
	*r = (unsigned long long)env_int("STUB_REASONS", 0);
	return NVML_SUCCESS;
}
