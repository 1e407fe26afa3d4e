//! Kubernetes resource quantities (`100m`, `1.5Gi`, `2`): written by the rules helper.
