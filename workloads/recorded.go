package workloads

// recordedCall keeps what the source recorded about call c on its step and
// instance: the billed token counts, the model and the task's key.
func recordedCall(inst *Instance, st *Step, c Call) {
	st.RecordedInputTokens, st.RecordedOutputTokens = c.PromptTokens, c.CompletionTokens
	if inst.RecordedModel == "" {
		inst.RecordedModel = c.Model
	}
	if inst.Key == "" {
		inst.Key = c.TaskKey
		if inst.Key == "" {
			inst.Key = inst.ID
		}
	}
}
