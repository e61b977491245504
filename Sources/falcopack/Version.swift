/// falcopack's own version, printed by `falcopack --version`.
let falcopackVersion = "0.1.0"
