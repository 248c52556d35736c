# work in progress
