"""oneseal: the system of an Administrative Approval Bureau (一枚印章管审批)."""
