package ops

// Mode is whether a compiled model trains or evaluates, shared by the ops whose
// behaviour differs (batch_norm: batch or running statistics; dropout: on or off),
// as torch's module.train() / module.eval(). The ops read it when they run, so one
// compiled graph serves both.
type Mode struct{ Training bool }
